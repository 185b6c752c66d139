package dev.escalator.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * crds/ is generated from the Java classes by the build ({@code make crds}); it must never drift
 * from them, and the schema must carry the validation users rely on.
 */
class CrdInSyncTest {
  private static final String FILE = "environments.escalator.dev-v1.yml";

  private static Path generated() {
    return Path.of("target/classes/META-INF/fabric8", FILE);
  }

  private static Path committed() {
    return Path.of(System.getProperty("escalator.crds.dir", "../crds"), FILE);
  }

  @Test
  void committedCrdEqualsTheOneGeneratedFromTheClasses() throws IOException {
    assertThat(generated()).as("the build generates the CRD (crd-generator-maven-plugin)").exists();
    assertThat(committed()).as("crds/%s exists; run make crds", FILE).exists();
    assertThat(Files.readString(committed()))
        .as("crds/%s is out of date with the Java classes: run `make crds` and commit the result", FILE)
        .isEqualTo(Files.readString(generated()));
  }

  @Test
  void schemaCarriesDefaultsEnumsPatternsAndCelRules() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(committed()), CustomResourceDefinition.class);
    assertThat(crd.getSpec().getGroup()).isEqualTo("escalator.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    var version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getSubresources().getStatus()).as("status subresource").isNotNull();
    assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getName())
        .contains("Phase", "Level", "Healthy", "Last-Escalation", "Age");

    JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getRequired()).contains("ladder");
    assertThat(spec.getProperties().get("quiescence").getDefault().asText()).isEqualTo("30s");
    assertThat(spec.getProperties().get("quiescence").getPattern()).isEqualTo(Patterns.DURATION);
    assertThat(spec.getProperties().get("mode").getEnum()).extracting(Object::toString).contains("\"Act\"", "\"Observe\"");
    assertThat(spec.getXKubernetesValidations()).extracting(v -> v.getRule())
        .anyMatch(r -> r.contains("escalatesTo"))
        .anyMatch(r -> r.contains("exists_one(m, m.name == l.name)"));

    JSONSchemaProps level = spec.getProperties().get("ladder").getItems().getSchema();
    assertThat(level.getRequired()).contains("name", "scope", "action");
    assertThat(level.getProperties().get("scope").getEnum()).hasSize(3);
    JSONSchemaProps check = spec.getProperties().get("checks").getItems().getSchema();
    assertThat(check.getProperties().get("failureThreshold").getMinimum()).isEqualTo(1.0);
    assertThat(check.getProperties().get("periodSeconds").getDefault().asInt()).isEqualTo(10);
    Map<String, JSONSchemaProps> action = level.getProperties().get("action").getProperties();
    assertThat(action).containsKeys("rolloutRestart", "job", "webhook");
    assertThat(level.getProperties().get("action").getXKubernetesValidations()).extracting(v -> v.getRule())
        .singleElement().asString().contains(".size() == 1");
    assertThat(List.of(spec.getProperties().get("ladder").getMaxItems(), spec.getProperties().get("checks").getMaxItems()))
        .as("lists are bounded, so CEL rules over them have a bounded cost").doesNotContainNull();
  }
}

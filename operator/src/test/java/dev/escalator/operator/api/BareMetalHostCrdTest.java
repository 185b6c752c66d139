package dev.escalator.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** crds/baremetalhosts.escalator.dev-v1.yml is the one generated from the classes, with the schema claims rely on. */
class BareMetalHostCrdTest {
  private static final String FILE = "baremetalhosts.escalator.dev-v1.yml";

  private static Path committed() {
    return Path.of(System.getProperty("escalator.crds.dir", "../crds"), FILE);
  }

  @Test
  void committedCrdEqualsTheOneGeneratedFromTheClasses() throws IOException {
    Path generated = Path.of("target/classes/META-INF/fabric8", FILE);
    assertThat(generated).as("the build generates the CRD (crd-generator-maven-plugin)").exists();
    assertThat(committed()).as("crds/%s exists; regenerate the CRDs", FILE).exists();
    assertThat(Files.readString(committed()))
        .as("crds/%s is out of date with the Java classes: regenerate it and commit the result", FILE)
        .isEqualTo(Files.readString(generated));
  }

  @Test
  void schemaHasAStatusSubresourceRequiredBmcAndLowerCaseEnums() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(committed()), CustomResourceDefinition.class);
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    var version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getSubresources().getStatus())
        .as("claims are written to the status subresource with the object's resourceVersion").isNotNull();
    assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getName())
        .contains("State", "Pool", "Environment", "Node");

    JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getRequired()).contains("bmc", "pool");
    JSONSchemaProps bmc = spec.getProperties().get("bmc");
    assertThat(bmc.getRequired()).contains("address", "protocol", "credentialsSecret");
    assertThat(bmc.getProperties().get("protocol").getEnum()).extracting(Object::toString)
        .containsExactlyInAnyOrder("\"redfish\"", "\"ipmi\"");
    JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
    assertThat(status.getProperties().get("state").getEnum()).extracting(Object::toString)
        .contains("\"available\"", "\"claimed\"", "\"provisioning\"", "\"provisioned\"", "\"powering\"", "\"failed\"");
  }
}

package dev.escalator.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckTypes;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file under escalation-examples/ is an Environment the operator accepts as it is. */
class EscalationExamplesTest {
  private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static Stream<Path> examples() throws IOException {
    Path dir = Path.of(System.getProperty("escalator.examples.dir", "../escalation-examples"));
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).as("examples in %s", dir).isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsAValidEnvironment(Path file) throws Exception {
    String yaml = Files.readString(file);
    JsonNode tree = STRICT.readTree(yaml);
    assertThat(tree.path("apiVersion").asText()).isEqualTo("escalator.dev/v1alpha1");
    assertThat(tree.path("kind").asText()).isEqualTo("Environment");
    // A misspelt field would be silently dropped by a lenient reader; the strict one names it.
    STRICT.treeToValue(tree.get("spec"), EnvironmentSpec.class);

    Environment env = Serialization.unmarshal(yaml, Environment.class);
    EnvironmentModel model = EnvironmentModel.from(env, new CheckExpansion(CheckTypes.standard(null).with(dev.escalator.operator.openstack.OpenStackProvider.checkType(null, null)))::validate);
    assertThat(model.ladder().size()).isEqualTo(env.getSpec().ladder.size());
  }
}

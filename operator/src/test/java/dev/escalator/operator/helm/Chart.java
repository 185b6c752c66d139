package dev.escalator.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Renders {@code helm/escalator} (helm template, offline) into its documents. Paths are relative to the operator module. */
final class Chart {
  static final Path DIR = Path.of("../helm/escalator");
  static final String RELEASE = "escalator";
  static final String NAMESPACE = "escalator-system";
  /** Helm's offline default (v1.20) is older than the chart's kubeVersion floor. */
  private static final String KUBE_VERSION = "v1.30.0";

  private Chart() {}

  static List<JsonNode> render(UnaryOperator<TemplateCommand> options) {
    String yaml = options.apply(new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)).call();
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.has("kind")) docs.add(doc);
      }
    } catch (IOException e) {
      throw new IllegalStateException("rendered chart is not YAML:\n" + yaml, e);
    }
    return docs;
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  static <T> List<T> allOf(List<JsonNode> docs, String kind, Class<T> type) {
    return ofKind(docs, kind).stream().map(d -> Serialization.jsonMapper().convertValue(d, type)).toList();
  }

  static <T> T single(List<JsonNode> docs, String kind, Class<T> type) {
    List<T> found = allOf(docs, kind, type);
    assertThat(found).as("rendered %s objects", kind).hasSize(1);
    return found.get(0);
  }
}

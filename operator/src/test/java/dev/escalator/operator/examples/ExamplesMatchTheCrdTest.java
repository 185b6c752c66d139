package dev.escalator.operator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Environment under escalation-examples/ is accepted by the CRD as the API server would
 * accept it: the OpenAPI v3 schema (with its defaults applied) and every x-kubernetes-validations
 * CEL rule, evaluated by CEL for Java. Mutated examples show that each kind of check, and each CEL
 * rule, does refuse what it should: a validator that accepts everything would pass the first test.
 */
class ExamplesMatchTheCrdTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CelRules CEL = new CelRules();

  static Stream<Path> examples() throws IOException {
    Path dir = Path.of(System.getProperty("escalator.examples.dir", "../escalation-examples"));
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
      assertThat(files).as("examples in %s", dir).isNotEmpty();
      return files.stream();
    }
  }

  private static JsonNode schema() throws IOException {
    Path crd = Path.of(System.getProperty("escalator.crds.dir", "../crds"), "environments.escalator.dev-v1.yml");
    return CrdSchema.schemaOf(YAML.readTree(crd.toFile()), "v1alpha1");
  }

  /** Schema problems, then the message of every CEL rule that does not hold. */
  private static List<String> problems(JsonNode object) throws IOException {
    CrdSchema.Result r = CrdSchema.validate(schema(), object);
    Stream<String> cel = r.rules().stream().filter(site -> !CEL.holds(site.rule(), site.self()))
        .map(site -> site.path() + ": " + (site.message() == null ? site.rule() : site.message()));
    return Stream.concat(r.problems().stream(), cel).toList();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleSatisfiesTheSchemaAndEveryCelRule(Path file) throws IOException {
    JsonNode example = YAML.readTree(file.toFile());
    CrdSchema.Result r = CrdSchema.validate(schema(), example);
    assertThat(r.problems()).as("schema problems in %s", file).isEmpty();
    assertThat(r.rules()).as("CEL rules that apply to %s", file).hasSizeGreaterThanOrEqualTo(5);
    for (CrdSchema.RuleSite site : r.rules()) {
      assertThat(CEL.holds(site.rule(), site.self())).as("%s at %s: %s", file.getFileName(), site.path(), site.rule()).isTrue();
    }
  }

  @Test
  void everyCelRuleOfTheCrdIsEvaluatedOnSomeExample() throws IOException {
    java.util.Set<String> evaluated = new java.util.HashSet<>();
    for (Path file : examples().toList()) {
      CrdSchema.validate(schema(), YAML.readTree(file.toFile())).rules().forEach(site -> evaluated.add(site.rule()));
    }
    java.util.Set<String> all = new java.util.HashSet<>();
    collectRules(schema(), all);
    assertThat(evaluated).as("CEL rules exercised by escalation-examples/").containsExactlyInAnyOrderElementsOf(all);
  }

  private static void collectRules(JsonNode schema, java.util.Set<String> out) {
    schema.path("x-kubernetes-validations").forEach(v -> out.add(v.path("rule").asText()));
    schema.path("properties").forEach(p -> collectRules(p, out));
    if (schema.has("items")) collectRules(schema.get("items"), out);
    if (schema.path("additionalProperties").isObject()) collectRules(schema.get("additionalProperties"), out);
  }

  private static JsonNode mutated(Consumer<ObjectNode> change) throws IOException {
    Path file = Path.of(System.getProperty("escalator.examples.dir", "../escalation-examples"), "kubernetes-native.yaml");
    ObjectNode example = (ObjectNode) YAML.readTree(file.toFile());
    change.accept(example);
    return example;
  }

  private static ObjectNode spec(ObjectNode env) {
    return (ObjectNode) env.get("spec");
  }

  private static ObjectNode level(ObjectNode env, int i) {
    return (ObjectNode) spec(env).withArray("ladder").get(i);
  }

  private static ObjectNode check(ObjectNode env, int i) {
    return (ObjectNode) spec(env).withArray("checks").get(i);
  }

  @Test
  void theSchemaRefusesWhatTheApiServerWouldRefuse() throws IOException {
    assertThat(problems(mutated(e -> spec(e).put("quiescnce", "30s")))).containsExactly("spec.quiescnce: unknown field");
    assertThat(problems(mutated(e -> spec(e).put("quiescence", "30 seconds")))).singleElement().asString()
        .startsWith("spec.quiescence: '30 seconds' does not match");
    assertThat(problems(mutated(e -> level(e, 0).put("scope", "Cluster")))).singleElement().asString()
        .startsWith("spec.ladder[0].scope: must be one of");
    assertThat(problems(mutated(e -> check(e, 0).put("failureThreshold", 0)))).singleElement().asString()
        .contains("below the minimum");
    assertThat(problems(mutated(e -> level(e, 0).remove("action")))).contains("spec.ladder[0]: required field action is missing");
    assertThat(problems(mutated(e -> check(e, 0).put("periodSeconds", "ten")))).singleElement().asString()
        .contains("must be an integer");
    assertThat(problems(mutated(e -> {
      ArrayNode checks = spec(e).withArray("checks");
      for (int i = 0; i < 100; i++) checks.add(((ObjectNode) checks.get(0).deepCopy()).put("name", "copy-" + i));
    }))).contains("spec.checks: must have at most 100 items");
  }

  @Test
  void eachCelRuleRefusesWhatItIsFor() throws IOException {
    assertThat(problems(mutated(e -> level(e, 1).put("name", level(e, 0).get("name").asText()))))
        .contains("spec: level names in spec.ladder must be unique");
    assertThat(problems(mutated(e -> check(e, 1).put("name", check(e, 0).get("name").asText()))))
        .contains("spec: check names in spec.checks must be unique");
    assertThat(problems(mutated(e -> check(e, 0).put("escalatesTo", "no-such-level"))))
        .contains("spec: every check's escalatesTo must name a level of spec.ladder");
    assertThat(problems(mutated(e -> spec(e).withObject("escalation").put("ceiling", "no-such-level"))))
        .contains("spec: spec.escalation.ceiling must name a level of spec.ladder");
    assertThat(problems(mutated(e -> ((ObjectNode) level(e, 1).get("action")).putObject("rolloutRestart")
        .put("kind", "Deployment").put("name", "x"))))
        .anyMatch(p -> p.startsWith("spec.ladder[1].action: "));
    assertThat(problems(mutated(e -> check(e, 2).putObject("tcp").put("host", "h").put("port", 1))))
        .anyMatch(p -> p.startsWith("spec.checks[2]: "));
    assertThat(problems(mutated(e -> check(e, 2).put("tier", "web"))))
        .contains("spec.checks[2]: tier applies only to Tier and Node scoped checks");
    assertThat(problems(mutated(e -> ((ObjectNode) check(e, 2).get("kubernetes")).put("kind", "Pod"))))
        .anyMatch(p -> p.startsWith("spec.checks[2].kubernetes: "));
  }
}

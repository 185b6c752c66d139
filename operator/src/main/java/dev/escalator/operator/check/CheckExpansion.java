package dev.escalator.operator.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Scope;
import dev.escalator.operator.ladder.CamelCase;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.spec.EnvironmentModel;
import dev.escalator.operator.spec.SpecProblem;
import dev.escalator.operator.template.JsonStrings;
import dev.escalator.operator.template.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Expands the Environment's checks over its inventory: one {@link ScheduledCheck} per target of each
 * check's scope, with every string of the probe spec rendered for that target.
 *
 * <p>Rendering works on the spec's JSON tree, one string value at a time, and converts the tree back
 * to the spec class. A value taken from the inventory (a node address) is therefore substituted once
 * and never scanned again, so inventory data cannot inject placeholders.
 */
public final class CheckExpansion {
  public static final String ENVIRONMENT = "environment";
  public static final String NAMESPACE = "namespace";
  public static final String TIER = "tier";
  public static final String NODE_NAME = "node.name";
  public static final String NODE_ADDRESS = "node.address";
  public static final String NODE_TIER = "node.tier";

  private static final Set<String> BASE_VARIABLES = Set.of(ENVIRONMENT, NAMESPACE);

  private final CheckTypes types;
  private final ObjectMapper json = new ObjectMapper();

  public CheckExpansion(CheckTypes types) {
    this.types = Objects.requireNonNull(types, "types");
  }

  /** The template variables a check of this scope can use. */
  public static Set<String> variablesAt(Scope scope) {
    return new TreeSet<>(EnvironmentModel.variablesAt(scope, BASE_VARIABLES));
  }

  /**
   * The scheduled checks for every target, in check order then target order (environment; tiers
   * and nodes sorted by name).
   *
   * @throws CheckSpecException for a check with no or several probe types, or a placeholder that
   *     cannot be rendered for its targets
   */
  /** Whether any string of a spec tree uses a template variable. */
  private static boolean mentions(JsonNode tree, String variable) {
    boolean[] found = {false};
    JsonStrings.visit(tree, "", (field, text) -> found[0] |= Template.variables(text).contains(variable));
    return found[0];
  }

  public List<ScheduledCheck> expand(String environment, String namespace, List<CheckSpec> checks, List<Node> inventory) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(namespace, "namespace");
    List<ScheduledCheck> out = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      CheckSpec check = checks.get(i);
      String path = "spec.checks[" + i + "]";
      CheckTypes.Bound<?> bound = bind(check, path);
      JsonNode tree = json.valueToTree(bound.spec());
      boolean needsAddress = mentions(tree, NODE_ADDRESS);
      for (Target target : targets(check, inventory)) {
        Map<String, String> variables = variables(environment, namespace, target, inventory);
        // A node a provider has not created yet has no address to probe; its existence is the
        // provider check's business (e.g. openstack Server), so no check runs on a guessed address.
        if (needsAddress && target.node() != null && !variables.containsKey(NODE_ADDRESS)) continue;
        JsonNode rendered = render(tree, variables, path + "." + bound.type().name());
        out.add(scheduled(check, target, bound.type(), rendered, variables));
      }
    }
    return out;
  }

  /**
   * Every placeholder that names a variable its check's scope does not provide, e.g.
   * {@code ${node.address}} in an Environment-scoped check, and every check without exactly one probe
   * type. Empty when {@link #expand} can render every check for any inventory.
   */
  public List<SpecProblem> validate(List<CheckSpec> checks) {
    List<SpecProblem> problems = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      CheckSpec check = checks.get(i);
      String path = "spec.checks[" + i + "]";
      CheckTypes.Bound<?> bound;
      try {
        bound = bind(check, path);
      } catch (CheckSpecException e) {
        problems.add(new SpecProblem(e.field(), e.problem()));
        continue;
      }
      Scope scope = scopeOf(check);
      Set<String> available = variablesAt(scope);
      JsonStrings.visit(json.valueToTree(bound.spec()), path + "." + bound.type().name(), (field, text) -> {
        for (String bad : Template.malformed(text)) {
          String shown = bad.length() <= 80 ? bad : bad.substring(0, 77) + "...";
          problems.add(new SpecProblem(field, "'" + shown + "' is not a placeholder: use one of " + placeholders(available)));
        }
        for (String variable : Template.variables(text)) {
          if (available.contains(variable)) continue;
          boolean known = variablesAt(Scope.NODE).contains(variable);
          String shown = variable.length() <= 80 ? variable : variable.substring(0, 77) + "...";
          problems.add(new SpecProblem(field, known
              ? "${" + variable + "} is not available in a " + scopeName(scope) + "-scoped check (available: "
                  + placeholders(available) + ")"
              : "unknown template variable ${" + shown + "} (available: " + placeholders(available) + ")"));
        }
      });
    }
    return problems;
  }

  /** The check bound to its one probe type, or a CheckSpecException at its path. */
  private CheckTypes.Bound<?> bind(CheckSpec check, String path) {
    try {
      return types.bind(check);
    } catch (IllegalArgumentException e) {
      throw new CheckSpecException(path, e.getMessage(), e);
    }
  }

  private List<Target> targets(CheckSpec check, List<Node> inventory) {
    return switch (scopeOf(check)) {
      case ENVIRONMENT -> List.of(Target.environment());
      case TIER -> {
        if (check.tier != null) yield List.of(Target.tier(check.tier));
        Set<String> tiers = new TreeSet<>();
        inventory.forEach(n -> tiers.add(n.tier()));
        yield tiers.stream().map(Target::tier).toList();
      }
      case NODE -> inventory.stream()
          .filter(n -> check.tier == null || check.tier.equals(n.tier()))
          .map(Node::target)
          .distinct()
          .sorted()
          .toList();
    };
  }

  private static Scope scopeOf(CheckSpec check) {
    return check.scope == null ? Scope.ENVIRONMENT : EnvironmentModel.scope(check.scope);
  }

  private static String scopeName(Scope scope) {
    return CamelCase.of(scope);
  }

  private static Map<String, String> variables(String environment, String namespace, Target target, List<Node> inventory) {
    Map<String, String> v = new HashMap<>();
    v.put(ENVIRONMENT, environment);
    v.put(NAMESPACE, namespace);
    if (target.tier() != null) v.put(TIER, target.tier());
    if (target.node() != null) {
      Node node = inventory.stream()
          .filter(n -> n.name().equals(target.node()) && n.tier().equals(target.tier()))
          .findFirst()
          .orElseThrow();
      v.put(NODE_NAME, node.name());
      if (node.address() != null) v.put(NODE_ADDRESS, node.address());
      v.put(NODE_TIER, node.tier());
    }
    return Map.copyOf(v);
  }

  private static JsonNode render(JsonNode node, Map<String, String> variables, String path) {
    if (node.isTextual()) {
      try {
        return TextNode.valueOf(Template.render(node.textValue(), variables));
      } catch (Template.UnknownVariableException e) {
        throw new CheckSpecException(path, e.getMessage(), e);
      }
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = object.objectNode();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        copy.set(field.getKey(), render(field.getValue(), variables, JsonStrings.child(path, field.getKey())));
      }
      return copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = array.arrayNode();
      for (int i = 0; i < array.size(); i++) copy.add(render(array.get(i), variables, path + "[" + i + "]"));
      return copy;
    }
    return node;
  }

  private static String placeholders(Set<String> names) {
    return String.join(", ", new TreeSet<>(names).stream().map(n -> "${" + n + "}").toList());
  }

  private <S> ScheduledCheck scheduled(
      CheckSpec check, Target target, CheckType<S> type, JsonNode rendered, Map<String, String> variables) {
    S spec;
    try {
      spec = json.treeToValue(rendered, type.specClass());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("rendered " + type.name() + " spec does not map back to "
          + type.specClass().getSimpleName(), e);
    }
    spec = type.defaults().apply(spec, variables);
    return new ScheduledCheck(
        check.name,
        target,
        check.escalatesTo,
        type.name(),
        spec,
        Duration.ofSeconds(check.periodSeconds),
        Duration.ofSeconds(check.timeoutSeconds),
        check.failureThreshold,
        check.successThreshold);
  }
}

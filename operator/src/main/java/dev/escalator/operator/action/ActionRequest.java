package dev.escalator.operator.action;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.template.Hashes;
import dev.escalator.operator.template.Template;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One run of an escalation step against one target: which environment, escalation, step and
 * attempt, the level's name and the target (a Tier or Node scoped step fans out into one run per
 * target). {@link #workName()} is deterministic, so the same request always names the same piece
 * of work.
 */
public record ActionRequest(
    Environment environment,
    String escalationId,
    int stepIndex,
    int attempt,
    String level,
    Target target,
    List<Node> inventory) {

  public ActionRequest {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(escalationId, "escalationId");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(target, "target");
    inventory = List.copyOf(inventory);
  }

  public String namespace() {
    return environment.getMetadata().getNamespace();
  }

  public String environmentName() {
    return environment.getMetadata().getName();
  }

  /**
   * A DNS-1123 name unique to (environment, escalation, step, attempt, target), at most 63
   * characters: {@code <env>-<escalation>-s<step>-a<attempt>[-<target hash>]}, the environment
   * name shortened with a hash when too long.
   */
  public String workName() {
    String suffix = "-" + escalationId + "-s" + stepIndex + "-a" + attempt
        + (target.scope() == dev.escalator.operator.ladder.Scope.ENVIRONMENT ? "" : "-" + Hashes.sha256Hex(target.key()).substring(0, 6));
    String full = (environmentName() + suffix).toLowerCase(Locale.ROOT);
    if (full.length() <= 63) return full;
    String hash = Hashes.sha256Hex(full).substring(0, 8);
    int keep = 63 - suffix.length() - hash.length() - 1;
    return (environmentName().substring(0, Math.max(1, keep)) + "-" + hash + suffix).toLowerCase(Locale.ROOT);
  }

  /** Variables for templated action fields: environment, namespace, level, escalationId, attempt, target, tier, node.*. */
  public Map<String, String> templateVariables() {
    Map<String, String> vars = new TreeMap<>();
    vars.put("environment", environmentName());
    vars.put("namespace", namespace());
    vars.put("level", level);
    vars.put("escalationId", escalationId);
    vars.put("attempt", Integer.toString(attempt));
    vars.put("target", target.key());
    if (target.tier() != null) vars.put("tier", target.tier());
    if (target.node() != null) {
      vars.put("node.name", target.node());
      vars.put("node.tier", target.tier());
      inventory.stream()
          .filter(n -> n.name().equals(target.node()))
          .findFirst()
          .filter(n -> n.address() != null)
          .ifPresent(n -> vars.put("node.address", n.address()));
    }
    return vars;
  }

  /**
   * Renders a templated spec field with {@link #templateVariables()}. An unknown variable is a
   * configuration error the step cannot recover from, so it fails the step, naming the field.
   */
  public String render(String field, String text) throws ActionFailedException {
    return render(field, text, Map.of());
  }

  /** Like {@link #render(String, String)}, with {@code extra} variables (e.g. {@code response.*}) as well. */
  public String render(String field, String text, Map<String, String> extra) throws ActionFailedException {
    Map<String, String> vars = templateVariables();
    vars.putAll(extra);
    try {
      return Template.render(text, vars);
    } catch (Template.UnknownVariableException e) {
      throw new ActionFailedException(field + ": " + e.getMessage(), e);
    }
  }

}

package dev.escalator.operator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.escalator.operator.api.ActionSpec;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.EscalationPolicySpec;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.Mode;
import dev.escalator.operator.api.NodeSpec;
import dev.escalator.operator.api.Patterns;
import dev.escalator.operator.ladder.Ladder;
import dev.escalator.operator.ladder.Level;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Policy;
import dev.escalator.operator.ladder.Scope;
import dev.escalator.operator.template.JsonStrings;
import dev.escalator.operator.template.Template;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

/**
 * An Environment converted once into what the operator works with: the domain ladder and policy,
 * the checks and the inventory. {@link #from} validates everything the API server's schema may
 * not have (a CRD installed without validation, CEL rules the server could not evaluate) and
 * reports every problem with its field path; an invalid Environment is never acted on.
 */
public record EnvironmentModel(
    String namespace,
    String name,
    Ladder ladder,
    Policy policy,
    List<LevelSpec> levels,
    List<CheckSpec> checks,
    List<Node> staticInventory,
    boolean paused,
    Mode mode) {

  public static final int HISTORY_LIMIT = 10;
  static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ACTION_VARIABLES = Set.of("environment", "namespace", "level", "escalationId", "attempt", "target");

  public boolean dryRun() {
    return paused || mode == Mode.Observe;
  }

  public LevelSpec level(String levelName) {
    return levels.stream().filter(l -> l.name.equals(levelName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no level " + levelName));
  }

  /**
   * Validates and converts. {@code checkProblems} validates what only the check types know (one
   * probe type set, template variables available at each check's scope); the check package
   * provides it, so this package does not depend on the probes.
   */
  public static EnvironmentModel from(Environment env, Function<List<CheckSpec>, List<SpecProblem>> checkProblems)
      throws InvalidSpecException {
    List<SpecProblem> problems = new ArrayList<>();
    EnvironmentSpec spec = env.getSpec();
    if (spec == null) throw new InvalidSpecException(List.of(new SpecProblem("spec", "is required")));
    Checker c = new Checker(problems);

    List<LevelSpec> levels = spec.ladder == null ? List.of() : spec.ladder;
    if (levels.isEmpty()) c.problem("spec.ladder", "needs at least one level");
    c.maxSize("spec.ladder", levels, 20);
    Set<String> levelNames = new HashSet<>();
    List<Level> domainLevels = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      String at = "spec.ladder[" + i + "]";
      LevelSpec l = levels.get(i);
      if (l == null) {
        c.problem(at, "is empty");
        continue;
      }
      c.name(at + ".name", l.name);
      if (l.name != null && !levelNames.add(l.name)) c.problem(at + ".name", "duplicate level name '" + l.name + "'");
      if (l.scope == null) c.problem(at + ".scope", "is required (Environment, Tier or Node)");
      Duration quiescence = c.duration(at + ".quiescence", l.quiescence, "30s", false);
      Duration timeout = c.duration(at + ".timeout", l.timeout, "10m", true);
      validateAction(c, at + ".action", l.action, l.scope);
      if (l.name != null && l.scope != null && quiescence != null && timeout != null) {
        domainLevels.add(new Level(i + 1, l.name, scope(l.scope), quiescence, timeout, l.requiresApproval));
      }
    }

    List<CheckSpec> checks = spec.checks == null ? List.of() : spec.checks;
    c.maxSize("spec.checks", checks, 100);
    Set<String> checkNames = new HashSet<>();
    for (int i = 0; i < checks.size(); i++) {
      String at = "spec.checks[" + i + "]";
      CheckSpec ch = checks.get(i);
      if (ch == null) {
        c.problem(at, "is empty");
        continue;
      }
      c.name(at + ".name", ch.name);
      if (ch.name != null && !checkNames.add(ch.name)) c.problem(at + ".name", "duplicate check name '" + ch.name + "'");
      if (ch.escalatesTo == null) c.problem(at + ".escalatesTo", "is required: the name of a ladder level");
      else if (!levelNames.contains(ch.escalatesTo)) c.problem(at + ".escalatesTo", "names no level of spec.ladder: '" + ch.escalatesTo + "' (levels: " + levelNames + ")");
      if (ch.scope == null) c.problem(at + ".scope", "is required (Environment, Tier or Node)");
      if (ch.tier != null) {
        c.name(at + ".tier", ch.tier);
        if (ch.scope == dev.escalator.operator.api.Scope.Environment) c.problem(at + ".tier", "applies only to Tier and Node scoped checks");
      }
      c.range(at + ".periodSeconds", ch.periodSeconds, 1, 86400);
      c.range(at + ".timeoutSeconds", ch.timeoutSeconds, 1, 3600);
      c.range(at + ".failureThreshold", ch.failureThreshold, 1, 1000);
      c.range(at + ".successThreshold", ch.successThreshold, 1, 1000);
      validateProbe(c, at, ch);
    }
    problems.addAll(checkProblems.apply(checks.stream().filter(Objects::nonNull).toList()));

    List<Node> inventory = new ArrayList<>();
    List<NodeSpec> nodes = spec.inventory == null || spec.inventory.nodes == null ? List.of() : spec.inventory.nodes;
    c.maxSize("spec.inventory.nodes", nodes, 1000);
    Set<String> nodeNames = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      String at = "spec.inventory.nodes[" + i + "]";
      NodeSpec n = nodes.get(i);
      if (n == null) {
        c.problem(at, "is empty");
        continue;
      }
      boolean ok = c.name(at + ".name", n.name) & c.name(at + ".tier", n.tier);
      if (n.name != null && !nodeNames.add(n.name)) c.problem(at + ".name", "duplicate node name '" + n.name + "'");
      if (n.address == null || n.address.isBlank()) {
        c.problem(at + ".address", "is required");
        ok = false;
      } else if (n.address.length() > 253 || !n.address.matches("[A-Za-z0-9.:%\\[\\]-]+")) {
        c.problem(at + ".address", "is not a host name or IP address");
        ok = false;
      }
      if (ok) inventory.add(new Node(n.name, n.tier, n.address));
    }

    Duration quiescence = c.duration("spec.quiescence", spec.quiescence, "30s", false);
    EscalationPolicySpec p = spec.escalation != null ? spec.escalation : new EscalationPolicySpec();
    c.range("spec.escalation.maxAttempts", p.maxAttempts, 1, 100);
    Duration backoff = c.duration("spec.escalation.backoff", p.backoff, "30s", true);
    Duration maxBackoff = c.duration("spec.escalation.maxBackoff", p.maxBackoff, "10m", false);
    if (backoff != null && maxBackoff != null && maxBackoff.compareTo(backoff) < 0) {
      c.problem("spec.escalation.maxBackoff", "must not be shorter than spec.escalation.backoff");
    }
    // Verification needs some time for probes to report; a zero quiescence must not make it instant.
    Duration verifyTimeout = p.verifyTimeout != null ? c.duration("spec.escalation.verifyTimeout", p.verifyTimeout, null, true)
        : quiescence == null || quiescence.isZero() ? DEFAULT_VERIFY_TIMEOUT : quiescence;
    int ceiling = 1;
    if (p.ceiling != null) {
      int idx = indexOf(levels, p.ceiling);
      if (idx < 0) c.problem("spec.escalation.ceiling", "names no level of spec.ladder: '" + p.ceiling + "'");
      else ceiling = idx + 1;
    }
    if (spec.mode == null) c.problem("spec.mode", "must be Act or Observe");

    if (!problems.isEmpty()) throw new InvalidSpecException(problems);
    Ladder ladder = new Ladder(domainLevels);
    Policy policy = new Policy(quiescence, p.maxAttempts, backoff, maxBackoff, ceiling, verifyTimeout, HISTORY_LIMIT);
    return new EnvironmentModel(env.getMetadata().getNamespace(), env.getMetadata().getName(), ladder, policy,
        List.copyOf(levels), List.copyOf(checks), List.copyOf(inventory), spec.paused, spec.mode);
  }

  private static int indexOf(List<LevelSpec> levels, String name) {
    for (int i = 0; i < levels.size(); i++) {
      if (levels.get(i) != null && name.equals(levels.get(i).name)) return i;
    }
    return -1;
  }

  public static Scope scope(dev.escalator.operator.api.Scope scope) {
    return switch (scope) {
      case Environment -> Scope.ENVIRONMENT;
      case Tier -> Scope.TIER;
      case Node -> Scope.NODE;
    };
  }

  /** Template variables available at a scope to a check or an action: {@code base} plus the target's tier and node. */
  public static Set<String> variablesAt(Scope scope, Set<String> base) {
    Set<String> vars = new HashSet<>(base);
    if (scope == Scope.TIER || scope == Scope.NODE) vars.add("tier");
    if (scope == Scope.NODE) vars.addAll(List.of("node.name", "node.address", "node.tier"));
    return vars;
  }

  private static void validateAction(Checker c, String at, ActionSpec action, dev.escalator.operator.api.Scope scope) {
    if (action == null) {
      c.problem(at, "is required");
      return;
    }
    List<String> set = setFields(action, f -> true);
    if (set.size() != 1) {
      c.problem(at, "exactly one action type must be set (one of " + allFields(ActionSpec.class, f -> true) + "), found " + (set.isEmpty() ? "none" : set));
      return;
    }
    Set<String> vars = variablesAt(scope == null ? Scope.ENVIRONMENT : scope(scope), ACTION_VARIABLES);
    if (action.rolloutRestart != null) {
      var r = action.rolloutRestart;
      if (r.kind == null || !Set.of("Deployment", "StatefulSet", "DaemonSet").contains(r.kind)) {
        c.problem(at + ".rolloutRestart.kind", "must be Deployment, StatefulSet or DaemonSet");
      }
      if (r.name == null || r.name.isBlank()) c.problem(at + ".rolloutRestart.name", "is required");
    }
    if (action.job != null) {
      var j = action.job;
      if (j.template == null || j.template.getSpec() == null || j.template.getSpec().getContainers() == null
          || j.template.getSpec().getContainers().isEmpty()) {
        c.problem(at + ".job.template", "needs spec.containers with at least one container");
      }
      c.range(at + ".job.backoffLimit", j.backoffLimit, 0, 10);
      c.range(at + ".job.ttlSecondsAfterFinished", j.ttlSecondsAfterFinished, 0, Integer.MAX_VALUE);
    }
    if (action.webhook != null) {
      var w = action.webhook;
      c.url(at + ".webhook.url", w.url);
      if (w.method == null || !Set.of("GET", "POST", "PUT", "PATCH").contains(w.method)) c.problem(at + ".webhook.method", "must be GET, POST, PUT or PATCH");
      if (w.headersFromSecret != null) c.name(at + ".webhook.headersFromSecret", w.headersFromSecret);
      if (w.successStatus != null) w.successStatus.forEach(s -> c.range(at + ".webhook.successStatus", s == null ? 0 : s, 100, 599));
      if (w.completion != null) {
        c.url(at + ".webhook.completion.statusUrl", w.completion.statusUrl);
        c.regex(at + ".webhook.completion.successRegex", w.completion.successRegex, true);
        c.regex(at + ".webhook.completion.failureRegex", w.completion.failureRegex, false);
        c.duration(at + ".webhook.completion.interval", w.completion.interval, "5s", true);
      }
    }
    if (action.metal != null) {
      var m = action.metal;
      if (scope == dev.escalator.operator.api.Scope.Environment) c.problem(at + ".metal", "acts on hosts: the level's scope must be Node or Tier");
      c.name(at + ".metal.pool", m.pool);
      if (m.strategy != null && (m.strategy.isEmpty() || m.strategy.size() > 3 || m.strategy.contains(null))) {
        c.problem(at + ".metal.strategy", "needs 1 to 3 of powerCycle, reprovision, replace");
      }
      if (m.image != null) c.url(at + ".metal.image", m.image);
      c.range(at + ".metal.hosts", m.hosts, 1, 100);
      if (m.timeouts != null) {
        c.duration(at + ".metal.timeouts.bmcCall", m.timeouts.bmcCall, "30s", true);
        c.duration(at + ".metal.timeouts.power", m.timeouts.power, "5m", true);
        c.duration(at + ".metal.timeouts.provision", m.timeouts.provision, "30m", true);
      }
    }
    // Template variables: everything string-valued except the Job's pod template, which receives env vars instead.
    JsonNode tree = JSON.valueToTree(action);
    if (tree.has("job")) ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("job")).remove("template");
    c.templates(at, tree, vars, "response.");
  }

  private static void validateProbe(Checker c, String at, CheckSpec ch) {
    if (ch.http != null) {
      c.url(at + ".http.url", ch.http.url);
      c.regex(at + ".http.bodyRegex", ch.http.bodyRegex, false);
      if (ch.http.expectStatus != null) ch.http.expectStatus.forEach(s -> c.range(at + ".http.expectStatus", s == null ? 0 : s, 100, 599));
      if (ch.http.expectHeaders != null) ch.http.expectHeaders.forEach((k, v) -> c.regex(at + ".http.expectHeaders." + k, v, true));
    }
    if (ch.tcp != null) {
      if (ch.tcp.host == null || ch.tcp.host.isBlank()) c.problem(at + ".tcp.host", "is required");
      c.range(at + ".tcp.port", ch.tcp.port, 1, 65535);
    }
    if (ch.icmp != null && (ch.icmp.host == null || ch.icmp.host.isBlank())) c.problem(at + ".icmp.host", "is required");
    if (ch.prometheus != null) {
      c.url(at + ".prometheus.url", ch.prometheus.url);
      if (ch.prometheus.query == null || ch.prometheus.query.isBlank()) c.problem(at + ".prometheus.query", "is required");
      if (ch.prometheus.threshold != null && (ch.prometheus.threshold.op == null
          || !Set.of("<", "<=", ">", ">=", "==", "!=").contains(ch.prometheus.threshold.op))) {
        c.problem(at + ".prometheus.threshold.op", "must be one of <, <=, >, >=, ==, !=");
      }
    }
    if (ch.alert != null) {
      c.url(at + ".alert.alertmanagerUrl", ch.alert.alertmanagerUrl);
      if (ch.alert.matchers == null || ch.alert.matchers.isEmpty()) c.problem(at + ".alert.matchers", "needs at least one label matcher");
    }
    if (ch.kubernetes != null) {
      if (ch.kubernetes.kind == null || !Set.of("Deployment", "StatefulSet", "DaemonSet").contains(ch.kubernetes.kind)) {
        c.problem(at + ".kubernetes.kind", "must be Deployment, StatefulSet or DaemonSet");
      }
      if (ch.kubernetes.name == null || ch.kubernetes.name.isBlank()) c.problem(at + ".kubernetes.name", "is required");
      if (ch.kubernetes.minReady != null && ch.kubernetes.minReady < 0) c.problem(at + ".kubernetes.minReady", "must not be negative");
    }
  }

  private static List<String> allFields(Class<?> type, java.util.function.Predicate<Field> which) {
    return java.util.Arrays.stream(type.getFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()) && which.test(f))
        .map(Field::getName).toList();
  }

  /** Names of the set (non-null) public fields: each is one action or probe type. */
  private static List<String> setFields(Object o, java.util.function.Predicate<Field> which) {
    List<String> set = new ArrayList<>();
    for (Field f : o.getClass().getFields()) {
      if (Modifier.isStatic(f.getModifiers()) || !which.test(f)) continue;
      try {
        if (f.get(o) != null) set.add(f.getName());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return set;
  }

  /** Collects problems; every method checks one field and says what is wrong with it. */
  private record Checker(List<SpecProblem> problems) {
    void problem(String field, String message) {
      problems.add(new SpecProblem(field, message));
    }

    boolean name(String field, String value) {
      if (value == null || value.isEmpty()) {
        problem(field, "is required");
        return false;
      }
      if (value.length() > 63 || !value.matches(Patterns.NAME)) {
        problem(field, "'" + abbreviate(value) + "' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
        return false;
      }
      return true;
    }

    Duration duration(String field, String value, String defaultValue, boolean positive) {
      String text = value != null ? value : defaultValue;
      if (text == null) {
        problem(field, "is required");
        return null;
      }
      try {
        Duration d = Durations.parse(text);
        if (positive && d.isZero()) {
          problem(field, "must be longer than 0");
          return null;
        }
        return d;
      } catch (IllegalArgumentException e) {
        problem(field, abbreviate(e.getMessage()));
        return null;
      }
    }

    void range(String field, long value, long min, long max) {
      if (value < min || value > max) problem(field, "must be between " + min + " and " + max + ", got " + value);
    }

    void maxSize(String field, List<?> list, int max) {
      if (list.size() > max) problem(field, "has " + list.size() + " entries, at most " + max + " are allowed");
    }

    void url(String field, String value) {
      if (value == null || value.isBlank()) {
        problem(field, "is required");
        return;
      }
      // Placeholders are filled per target; check the shape with a neutral value in their place.
      String probe = value.replaceAll("\\$\\{[^}]*}", "x");
      try {
        URI uri = new URI(probe);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
          problem(field, "'" + abbreviate(value) + "' is not an http(s) URL with a host");
        }
      } catch (Exception e) {
        problem(field, "'" + abbreviate(value) + "' is not a valid URL");
      }
    }

    void regex(String field, String value, boolean required) {
      if (value == null) {
        if (required) problem(field, "is required");
        return;
      }
      try {
        java.util.regex.Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        problem(field, "is not a valid regular expression: " + abbreviate(e.getDescription()));
      }
    }

    /** Every ${variable} in a string value must be one available at the scope. */
    void templates(String at, JsonNode node, Set<String> allowed, String allowedPrefix) {
      JsonStrings.visit(node, at, (path, text) -> {
        for (String v : Template.variables(text)) {
          if (!allowed.contains(v) && (allowedPrefix == null || !v.startsWith(allowedPrefix))) {
            problem(path, "uses ${" + v + "}, which is not available here (available: " + new java.util.TreeSet<>(allowed) + ")");
          }
        }
      });
    }
  }

  static String abbreviate(String s) {
    Objects.requireNonNull(s);
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

}

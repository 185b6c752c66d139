package dev.escalator.operator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.escalator.operator.api.ActionSpec;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.EscalationPolicySpec;
import dev.escalator.operator.api.FlapDampingSpec;
import dev.escalator.operator.api.TierHoldSpec;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.MetalActionSpec;
import dev.escalator.operator.api.Mode;
import dev.escalator.operator.api.NodeSpec;
import dev.escalator.operator.api.OpenStackActionSpec;
import dev.escalator.operator.api.OpenStackCloudSpec;
import dev.escalator.operator.api.OpenStackProbeSpec;
import dev.escalator.operator.api.Patterns;
import dev.escalator.operator.api.ProviderSpec;
import dev.escalator.operator.api.SecurityRuleSpec;
import dev.escalator.operator.api.TierSpec;
import dev.escalator.operator.ladder.Ladder;
import dev.escalator.operator.ladder.Level;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Flapping;
import dev.escalator.operator.ladder.Policy;
import dev.escalator.operator.ladder.TierShare;
import dev.escalator.operator.ladder.Scope;
import dev.escalator.operator.template.JsonStrings;
import dev.escalator.operator.template.Template;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
    List<TierSpec> tiers,
    ProviderSpec provider,
    boolean paused,
    Mode mode,
    Flapping flapping,
    TierShare tierShare) {

  public static final int HISTORY_LIMIT = 10;
  static final int MAX_FLAP_CHANGES = 20;
  static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ACTION_VARIABLES = Set.of("environment", "namespace", "level", "escalationId", "attempt", "target");

  public boolean dryRun() {
    return paused || mode == Mode.Observe;
  }

  /**
   * The inventory the checks and levels work on: the static nodes, plus every declared tier's nodes
   * {@code <tier>-1..<tier>-<size>}, with the address and provider id a provider level recorded for
   * them ({@code recorded}, from status) or none yet. Recorded nodes no longer declared are dropped.
   */
  public List<Node> inventory(List<Node> recorded) {
    Map<String, Node> byName = new HashMap<>();
    recorded.forEach(n -> byName.put(n.name(), n));
    List<Node> out = new ArrayList<>(staticInventory);
    for (TierSpec tier : tiers) {
      for (int i = 1; i <= tier.size; i++) {
        String name = tier.name + "-" + i;
        Node known = byName.get(name);
        out.add(known != null && known.tier().equals(tier.name) ? known : new Node(name, tier.name, null));
      }
    }
    return List.copyOf(out);
  }

  public Optional<TierSpec> tier(String name) {
    return tiers.stream().filter(t -> t.name.equals(name)).findFirst();
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
      validateAction(c, at + ".action", l.action, l.scope, spec);
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
      validateProbe(c, at, ch, spec);
    }
    problems.addAll(checkProblems.apply(checks.stream().filter(Objects::nonNull).toList()));

    List<TierSpec> tiers = spec.tiers == null ? List.of() : spec.tiers;
    c.maxSize("spec.tiers", tiers, 20);
    Set<String> tierNames = new HashSet<>();
    for (int i = 0; i < tiers.size(); i++) {
      String at = "spec.tiers[" + i + "]";
      TierSpec t = tiers.get(i);
      if (t == null) {
        c.problem(at, "is empty");
        continue;
      }
      if (c.name(at + ".name", t.name) && t.name.length() > 40) c.problem(at + ".name", "must be at most 40 characters");
      if (t.name != null && !tierNames.add(t.name)) c.problem(at + ".name", "duplicate tier name '" + t.name + "'");
      c.range(at + ".size", t.size, 0, 100);
      if (t.openstack != null) {
        if (blank(t.openstack.flavor)) c.problem(at + ".openstack.flavor", "is required");
        if (blank(t.openstack.image)) c.problem(at + ".openstack.image", "is required");
        if (t.openstack.cidr != null) c.cidr(at + ".openstack.cidr", t.openstack.cidr);
        if (t.openstack.serverGroupPolicy != null && !SERVER_GROUP_POLICIES.contains(t.openstack.serverGroupPolicy)) {
          c.problem(at + ".openstack.serverGroupPolicy", "must be one of " + SERVER_GROUP_POLICIES);
        }
      }
    }
    if (spec.provider != null && spec.provider.openstack != null) {
      OpenStackCloudSpec os = spec.provider.openstack;
      c.name("spec.provider.openstack.credentialsSecret", os.credentialsSecret);
      if (blank(os.cloud)) c.problem("spec.provider.openstack.cloud", "is required: the cloud's name in clouds.yaml");
      if (blank(os.secretKey)) c.problem("spec.provider.openstack.secretKey", "must not be empty");
      if (os.project != null && (os.project.isBlank() || os.project.length() > 64)) c.problem("spec.provider.openstack.project", "must be 1 to 64 characters");
      if (blank(os.externalNetwork)) c.problem("spec.provider.openstack.externalNetwork", "must not be empty");
    }

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
      if (n.tier != null && tierNames.contains(n.tier)) c.problem(at + ".tier", "tier '" + n.tier + "' is declared in spec.tiers: its nodes come from its provider");
      if (n.address == null || n.address.isBlank()) {
        c.problem(at + ".address", "is required");
        ok = false;
      } else if (n.address.length() > 253 || !n.address.matches("[A-Za-z0-9.:%\\[\\]-]+")) {
        c.problem(at + ".address", "is not a host name or IP address");
        ok = false;
      }
      if (ok) inventory.add(new Node(n.name, n.tier, n.address));
    }

    // A check pinned to a tier nobody declares has no targets and would silently never run.
    Set<String> knownTiers = new TreeSet<>(tierNames);
    nodes.stream().filter(n -> n != null && n.tier != null).forEach(n -> knownTiers.add(n.tier));
    for (int i = 0; i < checks.size(); i++) {
      CheckSpec ch = checks.get(i);
      if (ch != null && ch.tier != null && ch.scope != dev.escalator.operator.api.Scope.Environment && !knownTiers.contains(ch.tier)) {
        c.problem("spec.checks[" + i + "].tier", "names no tier of spec.tiers or spec.inventory.nodes: '" + abbreviate(ch.tier) + "' (tiers: " + knownTiers + ")");
      }
    }

    Duration quiescence = c.duration("spec.quiescence", spec.quiescence, "30s", false);
    EscalationPolicySpec p = spec.escalation != null ? spec.escalation : new EscalationPolicySpec();
    c.range("spec.escalation.maxAttempts", p.maxAttempts, 1, 100);
    c.range("spec.escalation.maxPerHour", p.maxPerHour, 0, HISTORY_LIMIT);
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
    FlapDampingSpec flap = p.flapDamping != null ? p.flapDamping : new FlapDampingSpec();
    c.range("spec.escalation.flapDamping.maxChanges", flap.maxChanges, 0, MAX_FLAP_CHANGES);
    Duration flapWindow = c.duration("spec.escalation.flapDamping.window", flap.window, "10m", true);
    TierHoldSpec tierHold = p.tierHold != null ? p.tierHold : new TierHoldSpec();
    c.range("spec.escalation.tierHold.maxFailingPercent", tierHold.maxFailingPercent, 1, 100);
    c.range("spec.escalation.tierHold.minNodes", tierHold.minNodes, 1, 1000);

    if (!problems.isEmpty()) throw new InvalidSpecException(problems);
    Ladder ladder = new Ladder(domainLevels);
    Policy policy = new Policy(quiescence, p.maxAttempts, backoff, maxBackoff, ceiling, verifyTimeout, HISTORY_LIMIT,
        Math.max(0, Math.min(p.maxPerHour, HISTORY_LIMIT)));
    return new EnvironmentModel(env.getMetadata().getNamespace(), env.getMetadata().getName(), ladder, policy,
        List.copyOf(levels), List.copyOf(checks), List.copyOf(inventory), List.copyOf(tiers), spec.provider, spec.paused, spec.mode,
        new Flapping(flap.maxChanges, flapWindow), new TierShare(tierHold.maxFailingPercent, tierHold.minNodes));
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

  private static final Set<String> SERVER_GROUP_POLICIES = Set.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity");

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean hasOpenStack(EnvironmentSpec spec) {
    return spec.provider != null && spec.provider.openstack != null;
  }

  private static void validateAction(Checker c, String at, ActionSpec action, dev.escalator.operator.api.Scope scope, EnvironmentSpec spec) {
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
    if (action.openstack != null) validateOpenStackAction(c, at + ".openstack", action.openstack, scope, spec);
    if (action.metal != null) validateMetalAction(c, at + ".metal", action.metal, scope, spec);
    // Template variables: everything string-valued except the Job's pod template, which receives env vars instead.
    JsonNode tree = JSON.valueToTree(action);
    if (tree.has("job")) ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("job")).remove("template");
    c.templates(at, tree, vars, "response.");
  }

  private static void validateMetalAction(Checker c, String at, MetalActionSpec m, dev.escalator.operator.api.Scope scope, EnvironmentSpec spec) {
    if (scope == dev.escalator.operator.api.Scope.Environment) c.problem(at, "acts on hosts: the level's scope must be Node or Tier");
    if (scope == dev.escalator.operator.api.Scope.Tier && (spec.tiers == null || spec.tiers.isEmpty())) {
      c.problem(at, "needs spec.tiers: the tiers whose nodes get hosts, and their sizes");
    }
    c.name(at + ".pool", m.pool);
    if (m.strategy != null && (m.strategy.isEmpty() || m.strategy.size() > 3 || m.strategy.contains(null))) {
      c.problem(at + ".strategy", "needs 1 to 3 of powerCycle, reprovision, replace");
    }
    if (m.image != null) c.url(at + ".image", m.image);
    if (m.timeouts != null) {
      c.duration(at + ".timeouts.bmcCall", m.timeouts.bmcCall, "30s", true);
      c.duration(at + ".timeouts.power", m.timeouts.power, "5m", true);
      c.duration(at + ".timeouts.provision", m.timeouts.provision, "30m", true);
    }
  }

  private static void validateOpenStackAction(
      Checker c, String at, OpenStackActionSpec os, dev.escalator.operator.api.Scope scope, EnvironmentSpec spec) {
    if (!hasOpenStack(spec)) c.problem(at, "needs spec.provider.openstack (the cloud and its credentials Secret)");
    List<String> set = setFields(os, f -> true);
    if (set.size() != 1) {
      c.problem(at, "exactly one of project, network, tier, server must be set, found " + (set.isEmpty() ? "none" : set));
      return;
    }
    dev.escalator.operator.api.Scope needed = os.server != null ? dev.escalator.operator.api.Scope.Node
        : os.tier != null ? dev.escalator.operator.api.Scope.Tier : dev.escalator.operator.api.Scope.Environment;
    if (scope != null && scope != needed) {
      c.problem(at + "." + set.get(0), "acts at " + needed + " scope, but the level's scope is " + scope);
    }
    if (os.tier != null) {
      List<TierSpec> tiers = spec.tiers == null ? List.of() : spec.tiers;
      if (tiers.isEmpty()) c.problem(at + ".tier", "needs spec.tiers: the tiers to build and their sizes");
      for (int i = 0; i < tiers.size(); i++) {
        if (tiers.get(i) != null && tiers.get(i).openstack == null) {
          c.problem("spec.tiers[" + i + "].openstack", "is required: level " + at + " builds every tier on OpenStack");
        }
      }
    }
    if (os.project != null && os.project.quotas != null) {
      os.project.quotas.forEach((k, v) -> {
        if (!QUOTAS.contains(k)) c.problem(at + ".project.quotas." + k, "is not a known quota (one of " + new TreeSet<>(QUOTAS) + ")");
        else c.range(at + ".project.quotas." + k, v == null ? -2 : v, -1, Integer.MAX_VALUE);
      });
    }
    if (os.network != null) {
      c.cidr(at + ".network.cidr", os.network.cidr);
      List<SecurityRuleSpec> rules = os.network.ingress == null ? List.of() : os.network.ingress;
      for (int i = 0; i < rules.size(); i++) {
        SecurityRuleSpec r = rules.get(i);
        String rat = at + ".network.ingress[" + i + "]";
        if (r == null) {
          c.problem(rat, "is empty");
          continue;
        }
        if (!Set.of("tcp", "udp", "icmp").contains(String.valueOf(r.protocol))) c.problem(rat + ".protocol", "must be tcp, udp or icmp");
        if (r.portMin != null) c.range(rat + ".portMin", r.portMin, 1, 65535);
        if (r.portMax != null) c.range(rat + ".portMax", r.portMax, 1, 65535);
        if (r.portMin != null && r.portMax != null && r.portMax < r.portMin) c.problem(rat + ".portMax", "must not be below portMin");
        c.cidr(rat + ".remoteIpPrefix", r.remoteIpPrefix);
      }
    }
  }

  /** Quota names the project level sets: Nova's and Neutron's. */
  public static final Set<String> QUOTAS = Set.of(
      "instances", "cores", "ram", "keyPairs",
      "networks", "subnets", "ports", "routers", "floatingIps", "securityGroups", "securityGroupRules");

  private static void validateProbe(Checker c, String at, CheckSpec ch, EnvironmentSpec spec) {
    if (ch.openstack != null) {
      if (!hasOpenStack(spec)) c.problem(at + ".openstack", "needs spec.provider.openstack (the cloud and its credentials Secret)");
      if (ch.openstack.resource == null) c.problem(at + ".openstack.resource", "is required (Online, Network or Server)");
      else if ((ch.openstack.resource == OpenStackProbeSpec.Resource.Server) != (ch.scope == dev.escalator.operator.api.Scope.Node)) {
        c.problem(at + ".openstack.resource", ch.openstack.resource == OpenStackProbeSpec.Resource.Server
            ? "Server is observed per node: the check's scope must be Node"
            : ch.openstack.resource + " is observed once: the check's scope must be Environment");
      }
    }
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

    void cidr(String field, String value) {
      if (value == null || !value.matches("^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}/([0-9]|[12][0-9]|3[0-2])$")) {
        problem(field, "'" + abbreviate(String.valueOf(value)) + "' is not an IPv4 CIDR such as 10.0.0.0/24");
      }
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
        for (String bad : Template.malformed(text)) {
          problem(path, "'" + abbreviate(bad) + "' is not a placeholder: use ${name} with one of " + new java.util.TreeSet<>(allowed));
        }
        for (String v : Template.variables(text)) {
          if (!allowed.contains(v) && (allowedPrefix == null || !v.startsWith(allowedPrefix))) {
            problem(path, "uses ${" + abbreviate(v) + "}, which is not available here (available: " + new java.util.TreeSet<>(allowed) + ")");
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

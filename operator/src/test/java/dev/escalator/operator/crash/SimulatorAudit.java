package dev.escalator.operator.crash;

import dev.escalator.operator.openstack.sim.Kind;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import dev.escalator.operator.openstack.sim.OpenStackSimulator.Mutation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Audits the simulator after a run: resources against the spec, and OpenStack mutations done twice. */
final class SimulatorAudit {
  private final OpenStackSimulator sim;
  private Map<Kind, Integer> baseline = Map.of();

  SimulatorAudit(OpenStackSimulator sim) {
    this.sim = sim;
  }

  /** Remembers the seeded cloud, which the counts are relative to. */
  void baseline() {
    baseline = sim.counts();
  }

  /** Resources the run added, by kind. */
  Map<Kind, Integer> added() {
    Map<Kind, Integer> out = new EnumMap<>(Kind.class);
    sim.counts().forEach((k, n) -> out.put(k, n - baseline.getOrDefault(k, 0)));
    return out;
  }

  /**
   * What the six-level spec declares, as Neutron and Nova make it: the environment's project with
   * the operator's role on it; one network, subnet, router (its interface on the subnet and its
   * gateway on the public network are ports), security group (two egress rules, one http ingress
   * rule) and server group; one server and port per node. Neutron adds a "default" security group
   * (four rules) of its own to each project on the project's first network call: {@code
   * defaultGroups} of them are not the operator's doing.
   */
  static Map<Kind, Integer> declared(int nodes, int defaultGroups) {
    Map<Kind, Integer> m = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) m.put(k, 0);
    m.put(Kind.PROJECT, 1);
    m.put(Kind.ROLE_ASSIGNMENT, 1);
    m.put(Kind.NETWORK, 1);
    m.put(Kind.SUBNET, 1);
    m.put(Kind.ROUTER, 1);
    m.put(Kind.SECURITY_GROUP, 1 + defaultGroups);
    m.put(Kind.SECURITY_GROUP_RULE, 3 + 4 * defaultGroups);
    m.put(Kind.SERVER_GROUP, 1);
    m.put(Kind.SERVER, nodes);
    m.put(Kind.PORT, nodes + 2);
    return m;
  }

  /**
   * Kinds whose count differs from the spec's (an orphan from a lost create shows as one too many),
   * and the project's quotas if they were never set.
   */
  List<String> leaks(int nodes) {
    List<String> found = new ArrayList<>();
    Map<Kind, Integer> added = added();
    int defaults = (int) sim.names(Kind.SECURITY_GROUP).stream().filter("default"::equals).count();
    declared(nodes, defaults).forEach((kind, want) -> {
      int got = added.get(kind);
      if (got != want) found.add(kind + ": " + got + " where the spec declares " + want + " " + sim.names(kind));
    });
    for (String quotas : List.of("PUT /compute/v2.1/os-quota-sets/{project}", "PUT /network/v2.0/quotas/{project}")) {
      if (sim.mutations().stream().noneMatch(m -> m.call().equals(quotas) && m.status() < 400)) found.add("the spec's quotas never set: no " + quotas);
    }
    List<String> servers = sim.servers().stream().map(OpenStackSimulator.ServerView::name).sorted().toList();
    if (servers.stream().distinct().count() != servers.size()) found.add("servers with the same name: " + servers);
    return found;
  }

  /**
   * Creates that succeeded more than once for one name (a server booted twice, a second network...)
   * and server actions (reboot, rebuild, stop, start), which building from nothing never needs.
   */
  List<String> duplicates() {
    List<String> found = new ArrayList<>();
    Map<String, Long> named = sim.mutations().stream().filter(m -> m.status() < 400 && m.name() != null)
        .collect(Collectors.groupingBy(m -> m.call() + " " + m.name(), Collectors.counting()));
    named.forEach((what, n) -> {
      if (n > 1) found.add(what + " done " + n + " times");
    });
    sim.mutations().stream().filter(m -> m.call().endsWith("/servers/{id}/action"))
        .forEach(m -> found.add("server action " + m.path()));
    return found;
  }
}

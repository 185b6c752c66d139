package dev.escalator.operator.ladder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The six-level example of DESIGN.md: its ladder, its checks' failures and a small inventory. */
final class SixLevels {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static final String ACCOUNT = "account";
  static final String CORE_NETWORK = "core-network";
  static final String TIER_AND_VMS = "tier-and-vms";
  static final String ONE_VM = "one-vm";
  static final String CONVERGE = "converge";
  static final String DEPLOY = "deploy";

  static final Node WEB_1 = new Node("web-1", "web", "10.0.1.1");
  static final Node WEB_2 = new Node("web-2", "web", "10.0.1.2");
  static final Node DB_1 = new Node("db-1", "db", "10.0.2.1");

  private SixLevels() {}

  static List<Level> levels(Set<String> requiringApproval) {
    return List.of(
        level(1, ACCOUNT, Scope.ENVIRONMENT, Duration.ofMinutes(5), Duration.ofMinutes(30), requiringApproval),
        level(2, CORE_NETWORK, Scope.ENVIRONMENT, Duration.ofMinutes(2), Duration.ofMinutes(20), requiringApproval),
        level(3, TIER_AND_VMS, Scope.TIER, Duration.ofMinutes(3), Duration.ofMinutes(20), requiringApproval),
        level(4, ONE_VM, Scope.NODE, Duration.ofMinutes(1), Duration.ofMinutes(15), requiringApproval),
        level(5, CONVERGE, Scope.NODE, Duration.ofSeconds(30), Duration.ofMinutes(10), requiringApproval),
        level(6, DEPLOY, Scope.ENVIRONMENT, Duration.ofSeconds(10), Duration.ofMinutes(5), requiringApproval));
  }

  private static Level level(int index, String name, Scope scope, Duration quiescence, Duration timeout, Set<String> approval) {
    return new Level(index, name, scope, quiescence, timeout, approval.contains(name));
  }

  static Ladder ladder() {
    return new Ladder(levels(Set.of()));
  }

  static Ladder ladderRequiringApproval(String... levels) {
    return new Ladder(levels(Set.of(levels)));
  }

  /** The ladder without its gentlest levels, as if the spec had been edited. */
  static Ladder ladderWithout(String... names) {
    Set<String> removed = Set.of(names);
    List<Level> kept = new ArrayList<>();
    for (Level l : levels(Set.of())) {
      if (!removed.contains(l.name())) kept.add(new Level(kept.size() + 1, l.name(), l.scope(), l.quiescence(), l.timeout(), false));
    }
    return new Ladder(kept);
  }

  /** quiescence 30s, 2 attempts per level, backoff 1m doubling to 4m, ceiling at level 1, verify 5m, history 5. */
  static Policy policy() {
    return policy(2, 1);
  }

  static Policy policy(int maxAttempts, int ceilingIndex) {
    return new Policy(Duration.ofSeconds(30), maxAttempts, Duration.ofMinutes(1), Duration.ofMinutes(4), ceilingIndex, Duration.ofMinutes(5), 5);
  }

  static List<Node> inventory() {
    return List.of(WEB_1, WEB_2, DB_1);
  }

  static Failure iaasOnline() {
    return new Failure("iaas-online", Target.environment(), ACCOUNT);
  }

  static Failure ping(Node node) {
    return new Failure("ping", node.target(), ONE_VM);
  }

  static Failure servicesNode(Node node) {
    return new Failure("services-node", node.target(), CONVERGE);
  }

  static Failure servicesTier(String tier) {
    return new Failure("services-tier", Target.tier(tier), TIER_AND_VMS);
  }

  static Failure smoke() {
    return new Failure("smoke", Target.environment(), DEPLOY);
  }
}

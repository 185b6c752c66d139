package dev.escalator.operator.ladder;

import static dev.escalator.operator.ladder.SixLevels.ACCOUNT;
import static dev.escalator.operator.ladder.SixLevels.CONVERGE;
import static dev.escalator.operator.ladder.SixLevels.CORE_NETWORK;
import static dev.escalator.operator.ladder.SixLevels.DB_1;
import static dev.escalator.operator.ladder.SixLevels.DEPLOY;
import static dev.escalator.operator.ladder.SixLevels.ONE_VM;
import static dev.escalator.operator.ladder.SixLevels.TIER_AND_VMS;
import static dev.escalator.operator.ladder.SixLevels.WEB_1;
import static dev.escalator.operator.ladder.SixLevels.WEB_2;
import static dev.escalator.operator.ladder.SixLevels.iaasOnline;
import static dev.escalator.operator.ladder.SixLevels.inventory;
import static dev.escalator.operator.ladder.SixLevels.ping;
import static dev.escalator.operator.ladder.SixLevels.servicesNode;
import static dev.escalator.operator.ladder.SixLevels.servicesTier;
import static dev.escalator.operator.ladder.SixLevels.smoke;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner against the six-level example of DESIGN.md, with selectors resolved as a step start would. */
class PlannerTest {
  private static final Target ENV = Target.environment();
  private final Planner planner = new Planner(SixLevels.ladder());

  private Plan plan(Failure... failures) {
    return planner.plan(List.of(failures)).orElseThrow();
  }

  private static List<String> levels(Plan plan) {
    return plan.steps().stream().map(s -> s.level().name()).toList();
  }

  /** Each step's targets resolved against {@code nodes}, by level name. */
  private static Map<String, List<Target>> resolved(Plan plan, List<Node> nodes) {
    Map<String, List<Target>> out = new java.util.LinkedHashMap<>();
    plan.steps().forEach(s -> out.put(s.level().name(), s.selector().resolve(s.level().scope(), nodes)));
    return out;
  }

  @Test
  void nothingInPlaceRunsEveryLevelOnEveryTarget() {
    Plan plan = plan(iaasOnline(), ping(WEB_1), ping(WEB_2), ping(DB_1), smoke());

    assertThat(plan.start().name()).isEqualTo(ACCOUNT);
    assertThat(levels(plan)).containsExactly(ACCOUNT, CORE_NETWORK, TIER_AND_VMS, ONE_VM, CONVERGE, DEPLOY);
    assertThat(plan.steps()).allSatisfy(s -> assertThat(s.selector().all()).isTrue());
    assertThat(resolved(plan, inventory())).containsExactly(
        Map.entry(ACCOUNT, List.of(ENV)),
        Map.entry(CORE_NETWORK, List.of(ENV)),
        Map.entry(TIER_AND_VMS, List.of(Target.tier("db"), Target.tier("web"))),
        Map.entry(ONE_VM, List.of(DB_1.target(), WEB_1.target(), WEB_2.target())),
        Map.entry(CONVERGE, List.of(DB_1.target(), WEB_1.target(), WEB_2.target())),
        Map.entry(DEPLOY, List.of(ENV)));
    assertThat(plan.trigger()).hasSize(5);
  }

  @Test
  void oneNodeDownRunsItsNodeLevelsOnItAloneThenDeploysOnce() {
    Plan plan = plan(ping(WEB_2));

    assertThat(levels(plan)).containsExactly(ONE_VM, CONVERGE, DEPLOY);
    assertThat(resolved(plan, inventory())).containsExactly(
        Map.entry(ONE_VM, List.of(WEB_2.target())),
        Map.entry(CONVERGE, List.of(WEB_2.target())),
        Map.entry(DEPLOY, List.of(ENV)));
    assertThat(plan.describe()).isEqualTo("one-vm[node/web/web-2] -> converge[node/web/web-2] -> deploy[node/web/web-2]");
  }

  @Test
  void smokeFailingRedeploysOnly() {
    Plan plan = plan(smoke());

    assertThat(levels(plan)).containsExactly(DEPLOY);
    assertThat(resolved(plan, inventory())).containsExactly(Map.entry(DEPLOY, List.of(ENV)));
    assertThat(plan.describe()).isEqualTo("deploy[all]");
  }

  @Test
  void aFailureJoinsTheStepsAtAndAfterItsLevelButNoneBefore() {
    Plan plan = plan(ping(WEB_1), servicesNode(DB_1));

    assertThat(levels(plan)).containsExactly(ONE_VM, CONVERGE, DEPLOY);
    assertThat(resolved(plan, inventory())).containsExactly(
        Map.entry(ONE_VM, List.of(WEB_1.target())),
        Map.entry(CONVERGE, List.of(DB_1.target(), WEB_1.target())),
        Map.entry(DEPLOY, List.of(ENV)));
  }

  @Test
  void tierFailureRunsTheTierLevelForThatTierAndNodeLevelsForAllItsNodesKnownAtStepStart() {
    Plan plan = plan(servicesTier("web"), servicesNode(DB_1));

    assertThat(levels(plan)).containsExactly(TIER_AND_VMS, ONE_VM, CONVERGE, DEPLOY);
    assertThat(resolved(plan, inventory())).containsExactly(
        Map.entry(TIER_AND_VMS, List.of(Target.tier("web"))),
        Map.entry(ONE_VM, List.of(WEB_1.target(), WEB_2.target())),
        Map.entry(CONVERGE, List.of(DB_1.target(), WEB_1.target(), WEB_2.target())),
        Map.entry(DEPLOY, List.of(ENV)));

    // web-3 appeared after planning (e.g. created by tier-and-vms): the node levels include it.
    Node web3 = new Node("web-3", "web", "10.0.1.3");
    List<Node> grown = new ArrayList<>(inventory());
    grown.add(web3);
    assertThat(resolved(plan, grown).get(ONE_VM)).containsExactly(WEB_1.target(), WEB_2.target(), web3.target());
  }

  @Test
  void aNodeMissingFromTheInventoryIsStillATargetAndItsTierTooForTierLevels() {
    Node gone = new Node("web-9", "web", "10.0.1.9");
    Plan plan = plan(ping(gone));
    assertThat(resolved(plan, inventory()).get(ONE_VM)).containsExactly(gone.target());
    assertThat(resolved(plan, List.of()).get(CONVERGE)).containsExactly(gone.target());

    Plan climbed = planner.plan(List.of(ping(gone)), OptionalInt.of(3)).orElseThrow();
    assertThat(resolved(climbed, List.of()).get(TIER_AND_VMS)).containsExactly(Target.tier("web"));
  }

  @Test
  void floorAfterAClimbDragsGentlerFailuresUpToIt() {
    List<Failure> failures = List.of(ping(WEB_1), servicesNode(DB_1));

    Plan withoutFloor = planner.plan(failures).orElseThrow();
    assertThat(resolved(withoutFloor, inventory()).get(ONE_VM)).containsExactly(WEB_1.target());

    Plan climbed = planner.plan(failures, OptionalInt.of(3)).orElseThrow();
    assertThat(climbed.start().name()).isEqualTo(TIER_AND_VMS);
    assertThat(resolved(climbed, inventory())).containsExactly(
        Map.entry(TIER_AND_VMS, List.of(Target.tier("db"), Target.tier("web"))),
        Map.entry(ONE_VM, List.of(DB_1.target(), WEB_1.target())),
        Map.entry(CONVERGE, List.of(DB_1.target(), WEB_1.target())),
        Map.entry(DEPLOY, List.of(ENV)));
  }

  @Test
  void aFloorGentlerThanTheRequiredLevelDoesNotHoldThePlanDown() {
    Plan plan = planner.plan(List.of(servicesTier("db")), OptionalInt.of(5)).orElseThrow();
    assertThat(plan.start().name()).isEqualTo(TIER_AND_VMS);
    assertThat(resolved(plan, inventory()).get(ONE_VM)).containsExactly(DB_1.target());
  }

  @Test
  void failuresNamingUnknownLevelsAreIgnored() {
    Failure unknown = new Failure("disk", WEB_1.target(), "no-such-level");

    assertThat(planner.plan(List.of(unknown))).isEmpty();
    assertThat(planner.requiredIndex(List.of(unknown))).isEmpty();
    Plan plan = plan(unknown, smoke());
    assertThat(levels(plan)).containsExactly(DEPLOY);
    assertThat(plan.trigger()).containsExactly(smoke());
    assertThat(planner.requiredIndex(List.of(unknown, ping(WEB_1)))).hasValue(4);
  }

  @Test
  void nothingFailingPlansNothing() {
    assertThat(planner.plan(List.of())).isEmpty();
    assertThat(planner.plan(List.of(), OptionalInt.of(2))).isEmpty();
  }

  static Stream<Arguments> requiredLevel() {
    return Stream.of(
        Arguments.of(List.of(smoke()), 6),
        Arguments.of(List.of(servicesNode(WEB_1), smoke()), 5),
        Arguments.of(List.of(smoke(), ping(DB_1), servicesNode(WEB_1)), 4),
        Arguments.of(List.of(servicesTier("db"), ping(DB_1)), 3),
        Arguments.of(List.of(smoke(), iaasOnline()), 1));
  }

  @ParameterizedTest
  @MethodSource
  void requiredLevel(List<Failure> failures, int expected) {
    assertThat(planner.requiredIndex(failures)).hasValue(expected);
    Plan plan = planner.plan(failures).orElseThrow();
    assertThat(plan.start().index()).isEqualTo(expected);
    assertThat(plan.steps()).hasSize(6 - expected + 1);
    assertThat(plan.steps().get(0).selector().isEmpty()).isFalse();
  }

  @Test
  void triggerIsSortedAndDeduplicated() {
    Plan plan = plan(smoke(), ping(WEB_2), ping(WEB_1), smoke());
    assertThat(plan.trigger()).containsExactly(ping(WEB_1), ping(WEB_2), smoke());
  }
}

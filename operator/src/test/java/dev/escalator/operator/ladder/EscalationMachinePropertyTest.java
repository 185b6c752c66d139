package dev.escalator.operator.ladder;

import static dev.escalator.operator.ladder.SixLevels.DB_1;
import static dev.escalator.operator.ladder.SixLevels.WEB_1;
import static dev.escalator.operator.ladder.SixLevels.WEB_2;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random walks through failures, time, reports and annotations: every decision settles (no
 * IllegalStateException, no other exception) and the invariants of the loop hold after each.
 */
class EscalationMachinePropertyTest {
  private static final int STEPS = 3000;
  private static final Node WEB_3 = new Node("web-3", "web", "10.0.1.3");
  private static final List<Failure> POOL = List.of(
      SixLevels.iaasOnline(), SixLevels.ping(WEB_1), SixLevels.ping(WEB_2), SixLevels.ping(WEB_3), SixLevels.servicesNode(DB_1),
      SixLevels.servicesNode(WEB_2), SixLevels.servicesTier("web"), SixLevels.servicesTier("db"), SixLevels.smoke(),
      new Failure("disk", DB_1.target(), "no-such-level"));
  private static final List<Duration> JUMPS = List.of(Duration.ZERO, Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(20), Duration.ofHours(2));
  private static final Set<Phase> WITH_ESCALATION = EnumSet.of(Phase.ESCALATING, Phase.VERIFYING, Phase.BACKING_OFF, Phase.EXHAUSTED);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234, 987654321})
  void randomWalksKeepTheInvariants(long seed) {
    Random random = new Random(seed);
    Ladder ladder = seed % 2 == 0 ? SixLevels.ladderRequiringApproval(SixLevels.CORE_NETWORK, SixLevels.ONE_VM) : SixLevels.ladder();
    Policy policy = new Policy(Duration.ofSeconds(30), 1 + random.nextInt(3), Duration.ofMinutes(1), Duration.ofMinutes(8),
        1 + random.nextInt(6), Duration.ofMinutes(5), 4);
    Driver d = Driver.fresh(ladder, policy);
    List<Node> everyNode = List.of(WEB_1, WEB_2, WEB_3, DB_1);
    EnumSet<Phase> seen = EnumSet.noneOf(Phase.class);

    for (int i = 0; i < STEPS; i++) {
      String at = "seed " + seed + " step " + i;
      int op = random.nextInt(100);
      if (op < 20) {
        List<Failure> f = new ArrayList<>();
        int n = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) f.add(POOL.get(random.nextInt(POOL.size())));
        d.failures = f;
      } else if (op < 45) {
        d.now = d.now.plus(JUMPS.get(random.nextInt(JUMPS.size())));
      } else if (op < 55 && d.last != null && d.last.wakeAt().isPresent()) {
        d.now = d.last.wakeAt().get();
      } else if (op < 75 && d.escalation() != null && d.step() != null && d.step().state() == StepState.RUNNING) {
        for (Run r : d.step().runs()) {
          if (r.state() == RunState.RUNNING && random.nextBoolean()) {
            d.complete(r.target(), random.nextInt(5) == 0 ? RunState.FAILED : RunState.SUCCEEDED, "done");
          }
        }
      } else if (op < 80) {
        d.dryRun = random.nextInt(3) == 0;
      } else if (op < 85 && d.escalation() != null) {
        d.approvals = random.nextBoolean() ? Set.of(d.escalation().id()) : Set.of(d.escalation().id() + "/" + SixLevels.ONE_VM, "e999");
      } else if (op < 88) {
        d.reset = d.escalation() != null && random.nextBoolean() ? d.escalation().id() : "e999";
      } else if (op < 91) {
        d.specChanged = random.nextInt(4) == 0;
      } else if (op < 95) {
        List<Node> inv = new ArrayList<>();
        for (Node n : everyNode) if (random.nextInt(4) != 0) inv.add(n);
        d.inventory = inv;
      }

      EnvironmentState before = d.state;
      Decision decision = d.reconcile();
      seen.add(d.phase());
      check(at, before, d.firstOfLast, d);
      check(at, before, decision, d);
    }
    // the walk is not degenerate: it escalated
    assertThat(seen).contains(Phase.HEALTHY, Phase.QUIESCING, Phase.ESCALATING);
    assertThat(d.state.counter()).isPositive();
    SEEN_BY_ALL_SEEDS.addAll(seen);
  }

  private static final Set<Phase> SEEN_BY_ALL_SEEDS = EnumSet.noneOf(Phase.class);

  @AfterAll
  static void theWalksCoveredEveryPhase() {
    assertThat(SEEN_BY_ALL_SEEDS).containsExactlyInAnyOrder(Phase.values());
  }

  private static void check(String at, EnvironmentState before, Decision decision, Driver d) {
    EnvironmentState s = decision.state();
    assertThat(s.counter()).as(at + ": counter never decreases").isGreaterThanOrEqualTo(before.counter());
    assertThat(s.history().size()).as(at + ": history bounded").isLessThanOrEqualTo(4);
    assertThat(s.escalation() != null).as(at + ": escalation present exactly in " + WITH_ESCALATION + ", phase " + s.phase())
        .isEqualTo(WITH_ESCALATION.contains(s.phase()));
    decision.wakeAt().ifPresent(w -> assertThat(w).as(at + ": wake-up in the future").isAfter(d.now));
    if (s.phase() == Phase.EXHAUSTED) {
      assertThat(decision.runsToStart()).as(at + ": nothing starts while Exhausted").isEmpty();
      assertThat(decision.runsToPoll()).as(at).isEmpty();
    }
    if (d.dryRun) {
      assertThat(decision.events()).extracting(DomainEvent::kind).as(at + ": nothing new starts in a dry run")
          .doesNotContain(DomainEvent.Kind.STEP_STARTED, DomainEvent.Kind.ESCALATION_STARTED);
    }
    Escalation e = s.escalation();
    if (e == null) return;
    assertThat(e.id()).as(at).isEqualTo("e" + s.counter());
    List<Step> steps = e.steps();
    assertThat(steps.stream().filter(st -> st.state() == StepState.RUNNING).count()).as(at + ": at most one step running").isLessThanOrEqualTo(1);
    assertThat(e.current()).as(at).isBetween(0, steps.size());
    for (int i = 0; i < e.current(); i++) {
      assertThat(steps.get(i).state().finished()).as(at + ": step " + i + " before current " + e.current() + " is finished").isTrue();
    }
    for (int i = e.current() + 1; i < steps.size(); i++) {
      assertThat(steps.get(i).state()).as(at + ": steps after the current one wait").isEqualTo(StepState.PENDING);
    }
    if (s.phase() == Phase.ESCALATING) {
      Step step = e.currentStep();
      assertThat(step).as(at + ": an escalating plan has a current step").isNotNull();
      assertThat(step.state().finished()).as(at + ": the current step of an escalating plan is not finished").isFalse();
      if (d.dryRun && step.state() == StepState.PENDING) assertThat(decision.runsToStart()).as(at).isEmpty();
      for (Run r : step.runs()) {
        if (r.state() == RunState.RUNNING) assertThat(r.handle()).as(at + ": a running run has a handle").isNotNull();
      }
    }
    if (s.phase() == Phase.EXHAUSTED || s.phase() == Phase.BACKING_OFF) {
      assertThat(e.attempt()).as(at).isBetween(1, Integer.MAX_VALUE);
    }
  }
}

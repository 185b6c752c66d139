package dev.escalator.operator.ladder;

import static dev.escalator.operator.ladder.DomainEvent.Kind.APPROVAL_REQUIRED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.ATTEMPT_FAILED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.CANCELLED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.CLIMBED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.CONVERGED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.ESCALATION_STARTED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.EXHAUSTED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.QUIESCENCE_STARTED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.RECOVERED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.REPLANNED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.RESET;
import static dev.escalator.operator.ladder.DomainEvent.Kind.STEP_FAILED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.STEP_SKIPPED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.STEP_STARTED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.STEP_SUCCEEDED;
import static dev.escalator.operator.ladder.DomainEvent.Kind.WOULD_ESCALATE;
import static dev.escalator.operator.ladder.SixLevels.ACCOUNT;
import static dev.escalator.operator.ladder.SixLevels.CONVERGE;
import static dev.escalator.operator.ladder.SixLevels.CORE_NETWORK;
import static dev.escalator.operator.ladder.SixLevels.DB_1;
import static dev.escalator.operator.ladder.SixLevels.DEPLOY;
import static dev.escalator.operator.ladder.SixLevels.ONE_VM;
import static dev.escalator.operator.ladder.SixLevels.T0;
import static dev.escalator.operator.ladder.SixLevels.TIER_AND_VMS;
import static dev.escalator.operator.ladder.SixLevels.WEB_1;
import static dev.escalator.operator.ladder.SixLevels.WEB_2;
import static dev.escalator.operator.ladder.SixLevels.iaasOnline;
import static dev.escalator.operator.ladder.SixLevels.ping;
import static dev.escalator.operator.ladder.SixLevels.servicesNode;
import static dev.escalator.operator.ladder.SixLevels.servicesTier;
import static dev.escalator.operator.ladder.SixLevels.smoke;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole scenarios through time, driven the way the reconciler drives the machine. */
class EscalationMachineTest {
  private static final Duration QUIESCENCE = Duration.ofSeconds(30);
  private static final Duration ONE_NS = Duration.ofNanos(1);

  /** Fails web-1's ping and waits out the quiescence: e1 runs one-vm on web-1. */
  private static Driver escalatingOnWeb1(Driver d) {
    d.failing(ping(WEB_1)).reconcile();
    d.advance(QUIESCENCE);
    assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
    return d;
  }

  @Nested
  class HealthyAndQuiescing {
    @Test
    void healthyStaysHealthyWithNoEventsAndNoWakeUp() {
      Driver d = Driver.fresh();
      for (Duration step : List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofDays(3))) {
        Decision decision = d.advance(step);
        assertThat(decision.state()).isEqualTo(EnvironmentState.initial(T0));
        assertThat(decision.events()).isEmpty();
        assertThat(decision.wakeAt()).isEmpty();
        assertThat(decision.runsToStart()).isEmpty();
        assertThat(decision.runsToPoll()).isEmpty();
      }
    }

    @Test
    void aFailureStartsQuiescenceAndWakesWhenItEnds() {
      Driver d = Driver.fresh();
      d.advance(Duration.ofMinutes(1));
      d.failing(ping(WEB_1)).reconcile();

      assertThat(d.phase()).isEqualTo(Phase.QUIESCING);
      assertThat(d.state.since()).isEqualTo(T0.plusSeconds(60));
      assertThat(d.lastKinds()).containsExactly(QUIESCENCE_STARTED);
      assertThat(d.last.wakeAt()).contains(T0.plusSeconds(90));
      assertThat(d.escalation()).isNull();

      d.advance(QUIESCENCE.minus(ONE_NS));
      assertThat(d.phase()).isEqualTo(Phase.QUIESCING);
      assertThat(d.lastEvents).isEmpty();
      assertThat(d.last.wakeAt()).contains(T0.plusSeconds(90));
    }

    @Test
    void recoveryDuringQuiescenceIsRecordedWithoutAction() {
      Driver d = Driver.fresh();
      d.failing(ping(WEB_1), smoke()).reconcile();
      d.advance(Duration.ofSeconds(20));
      d.failing().reconcile();

      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.lastKinds()).containsExactly(RECOVERED);
      assertThat(d.state.counter()).isZero();
      assertThat(d.escalation()).isNull();
      assertThat(d.state.history()).singleElement().satisfies(r -> {
        assertThat(r.outcome()).isEqualTo(EscalationRecord.Outcome.RECOVERED);
        assertThat(r.id()).isNull();
        assertThat(r.startedAt()).isEqualTo(T0);
        assertThat(r.finishedAt()).isEqualTo(T0.plusSeconds(20));
      });
      assertThat(d.count(ESCALATION_STARTED)).isZero();
      assertThat(d.actions.starts).isEmpty();
    }

    @Test
    void changingFailuresDuringQuiescenceDoNotRestartIt() {
      Driver d = Driver.fresh();
      d.failing(smoke()).reconcile();
      d.advance(Duration.ofSeconds(20));
      d.failing(ping(WEB_2)).reconcile();
      assertThat(d.last.wakeAt()).contains(T0.plusSeconds(30));
      d.advance(Duration.ofSeconds(10));
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(d.stepLevels()).containsExactly(ONE_VM, CONVERGE, DEPLOY);
    }
  }

  @Nested
  class Escalating {
    @Test
    void quiescenceElapsedStartsEscalationE1WithThePlannedSteps() {
      Driver d = Driver.fresh();
      d.failing(ping(WEB_1), servicesNode(DB_1)).reconcile();
      d.advance(QUIESCENCE);

      Escalation e = d.escalation();
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(e.id()).isEqualTo("e1");
      assertThat(d.state.counter()).isEqualTo(1);
      assertThat(e.startedAt()).isEqualTo(T0.plus(QUIESCENCE));
      assertThat(e.trigger()).containsExactly(ping(WEB_1), servicesNode(DB_1));
      assertThat(e.startIndex()).isEqualTo(4);
      assertThat(e.attempt()).isEqualTo(1);
      assertThat(e.attemptsTotal()).isEqualTo(1);
      assertThat(e.floor()).isEmpty();
      assertThat(d.stepLevels()).containsExactly(ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.lastKinds()).containsExactly(ESCALATION_STARTED, STEP_STARTED);
      // The first decision asks to start the run; the second records its handle.
      assertThat(d.firstOfLast.runsToStart()).extracting(Run::target).containsExactly(WEB_1.target());
      assertThat(d.step().runs()).singleElement().satisfies(r -> {
        assertThat(r.state()).isEqualTo(RunState.RUNNING);
        assertThat(r.handle()).isEqualTo("h-e1/s0/a1/node/web/web-1");
      });
      assertThat(d.last.runsToPoll()).hasSize(1);
      assertThat(d.last.wakeAt()).contains(d.now.plus(Duration.ofMinutes(15)));
    }

    @Test
    void eachStepRunsSettlesForItsLevelsQuiescenceThenTheNextStartsAndTheChecksPass() {
      Driver d = escalatingOnWeb1(Driver.fresh());

      // one-vm on web-1 only
      assertThat(d.targets(d.step())).containsExactly(WEB_1.target());
      d.advance(Duration.ofMinutes(3));
      assertThat(d.step().state()).isEqualTo(StepState.RUNNING);
      assertThat(d.lastEvents).isEmpty();
      d.completeAll(RunState.SUCCEEDED).reconcile();
      Instant settled = d.now;
      assertThat(d.step().state()).isEqualTo(StepState.SETTLING);
      assertThat(d.step().finishedAt()).isEqualTo(settled);
      assertThat(d.step().settleUntil()).isEqualTo(settled.plus(Duration.ofMinutes(1)));
      assertThat(d.lastKinds()).containsExactly(STEP_SUCCEEDED);
      assertThat(d.last.wakeAt()).contains(settled.plus(Duration.ofMinutes(1)));
      assertThat(d.last.runsToPoll()).isEmpty();

      // nothing more before the settling ends
      d.advance(Duration.ofMinutes(1).minus(ONE_NS));
      assertThat(d.escalation().current()).isZero();
      assertThat(d.lastEvents).isEmpty();
      assertThat(d.startsOf(CONVERGE)).isEmpty();

      d.advance(ONE_NS);
      assertThat(d.escalation().current()).isEqualTo(1);
      assertThat(d.escalation().steps().get(0).state()).isEqualTo(StepState.SUCCEEDED);
      assertThat(d.step().level()).isEqualTo(CONVERGE);
      assertThat(d.targets(d.step())).containsExactly(WEB_1.target());
      assertThat(d.lastKinds()).containsExactly(STEP_STARTED);

      d.completeAll(RunState.SUCCEEDED).reconcile();
      assertThat(d.last.wakeAt()).contains(d.now.plusSeconds(30));
      d.advance(Duration.ofSeconds(30));
      assertThat(d.step().level()).isEqualTo(DEPLOY);
      assertThat(d.targets(d.step())).containsExactly(Target.environment());

      d.completeAll(RunState.SUCCEEDED).reconcile();
      d.advance(Duration.ofSeconds(10));
      assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
      assertThat(d.escalation().verifyUntil()).isEqualTo(d.now.plus(Duration.ofMinutes(5)));
      assertThat(d.last.wakeAt()).contains(d.now.plus(Duration.ofMinutes(5)));

      d.advance(Duration.ofMinutes(2));
      d.failing().reconcile();
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.escalation()).isNull();
      assertThat(d.lastKinds()).containsExactly(CONVERGED);
      assertThat(d.state.history()).singleElement().satisfies(r -> {
        assertThat(r.id()).isEqualTo("e1");
        assertThat(r.outcome()).isEqualTo(EscalationRecord.Outcome.CONVERGED);
        assertThat(r.startLevel()).isEqualTo(ONE_VM);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.steps()).containsExactly("one-vm:Succeeded", "converge:Succeeded", "deploy:Succeeded");
        assertThat(r.trigger()).containsExactly(ping(WEB_1));
      });
      assertThat(d.actions.starts).extracting(Driver.Started::level).containsExactly(ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.state.counter()).isEqualTo(1);
    }

    @Test
    void checksAlreadyPassingWhenThePlanEndsConvergeAtOnce() {
      Driver d = Driver.fresh();
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      d.failing();
      d.completeAll(RunState.SUCCEEDED).reconcile();
      d.advance(Duration.ofSeconds(10));
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.lastKinds()).containsExactly(CONVERGED);
    }

    @Test
    void aFailedRunWaitsForTheOthersInFlightThenFailsTheAttempt() {
      Driver d = Driver.fresh();
      d.failing(ping(WEB_1), ping(WEB_2)).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.targets(d.step())).containsExactly(WEB_1.target(), WEB_2.target());

      d.complete(WEB_1.target(), RunState.FAILED, "quota exceeded").reconcile();
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(d.step().state()).isEqualTo(StepState.RUNNING);
      assertThat(d.step().runs()).extracting(Run::state).containsExactly(RunState.FAILED, RunState.RUNNING);
      assertThat(d.last.runsToPoll()).extracting(Run::target).containsExactly(WEB_2.target());
      assertThat(d.lastEvents).isEmpty();

      d.advance(Duration.ofMinutes(1));
      d.complete(WEB_2.target(), RunState.SUCCEEDED, "ok").reconcile();
      assertThat(d.lastKinds()).containsExactly(STEP_FAILED, ATTEMPT_FAILED);
      assertThat(d.lastEvents.get(0).message()).contains("node/web/web-1: quota exceeded");
      assertThat(d.phase()).isEqualTo(Phase.BACKING_OFF);
      assertThat(d.step().state()).isEqualTo(StepState.FAILED);
      assertThat(d.escalation().attempt()).isEqualTo(2);
      assertThat(d.escalation().nextAttemptAt()).isEqualTo(d.now.plus(Duration.ofMinutes(1)));
      assertThat(d.startsOf(CONVERGE)).isEmpty();
    }

    @Test
    void aStepRunningPastItsTimeoutTimesOut() {
      Driver d = escalatingOnWeb1(Driver.fresh());
      Instant started = d.step().startedAt();

      d.advanceTo(started.plus(Duration.ofMinutes(15)).minus(ONE_NS));
      assertThat(d.step().state()).isEqualTo(StepState.RUNNING);
      assertThat(d.last.wakeAt()).contains(started.plus(Duration.ofMinutes(15)));

      d.advance(ONE_NS);
      assertThat(d.lastKinds()).containsExactly(STEP_FAILED, ATTEMPT_FAILED);
      assertThat(d.escalation().steps().get(0).state()).isEqualTo(StepState.TIMED_OUT);
      assertThat(d.phase()).isEqualTo(Phase.BACKING_OFF);
      assertThat(d.last.runsToPoll()).isEmpty();
    }

    @Test
    void verificationTimeoutBacksOffExponentiallyThenRetriesTheSameLevel() {
      Policy policy = new Policy(QUIESCENCE, 4, Duration.ofMinutes(1), Duration.ofMinutes(3), 1, Duration.ofMinutes(5), 5);
      Driver d = Driver.fresh(SixLevels.ladder(), policy);
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);

      List<Duration> expectedBackoffs = List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3));
      for (int attempt = 1; attempt <= 3; attempt++) {
        assertThat(d.escalation().attempt()).isEqualTo(attempt);
        assertThat(d.escalation().attemptsTotal()).isEqualTo(attempt);
        assertThat(d.stepLevels()).containsExactly(DEPLOY);
        d.finishStep();
        assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
        d.advance(Duration.ofMinutes(5).minus(ONE_NS));
        assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
        d.advance(ONE_NS);
        assertThat(d.phase()).isEqualTo(Phase.BACKING_OFF);
        assertThat(d.lastKinds()).containsExactly(ATTEMPT_FAILED);
        Duration backoff = expectedBackoffs.get(attempt - 1);
        assertThat(d.last.wakeAt()).contains(d.now.plus(backoff));
        d.advance(backoff.minus(ONE_NS));
        assertThat(d.phase()).isEqualTo(Phase.BACKING_OFF);
        d.advance(ONE_NS);
        assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
        assertThat(d.lastKinds()).containsExactly(ESCALATION_STARTED, STEP_STARTED);
      }
      assertThat(d.escalation().id()).isEqualTo("e1");
      assertThat(d.state.counter()).isEqualTo(1);
      // one handle per attempt: a retry never reuses the previous attempt's work
      assertThat(d.startsOf(DEPLOY)).extracting(Driver.Started::handle).doesNotHaveDuplicates().hasSize(4);
    }

    @Test
    void checksPassingWhileBackingOffConverge() {
      Driver d = Driver.fresh();
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      d.completeAll(RunState.FAILED).reconcile();
      assertThat(d.phase()).isEqualTo(Phase.BACKING_OFF);
      d.failing().advance(Duration.ofSeconds(5));
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.state.history().get(0).outcome()).isEqualTo(EscalationRecord.Outcome.CONVERGED);
    }
  }

  @Nested
  class ClimbingAndExhaustion {
    /** smoke keeps failing; 2 attempts per level; ceiling at converge (5): 6, 6, climb, 5, 5, exhausted. */
    private Driver exhausted() {
      Driver d = Driver.fresh(SixLevels.ladder(), SixLevels.policy(2, 5));
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);

      // attempt 1 at deploy: the step fails
      assertThat(d.stepLevels()).containsExactly(DEPLOY);
      d.completeAll(RunState.FAILED).reconcile();
      assertThat(d.lastKinds()).containsExactly(STEP_FAILED, ATTEMPT_FAILED);
      d.advanceToWake();

      // attempt 2 at deploy: the checks keep failing after it
      assertThat(d.escalation().attempt()).isEqualTo(2);
      d.finishStep();
      d.advanceToWake();
      assertThat(d.lastKinds()).containsExactly(CLIMBED);
      assertThat(d.phase()).isEqualTo(Phase.BACKING_OFF);
      assertThat(d.escalation().floor()).hasValue(5);
      assertThat(d.escalation().startIndex()).isEqualTo(5);
      assertThat(d.escalation().attempt()).isEqualTo(1);
      assertThat(d.last.wakeAt()).contains(d.now.plus(Duration.ofMinutes(1)));
      d.advanceToWake();

      // climbed: converge runs on every node (the environment-wide failure is dragged up to the floor)
      assertThat(d.stepLevels()).containsExactly(CONVERGE, DEPLOY);
      assertThat(d.targets(d.step())).containsExactly(DB_1.target(), WEB_1.target(), WEB_2.target());
      for (int attempt = 1; attempt <= 2; attempt++) {
        assertThat(d.escalation().attempt()).isEqualTo(attempt);
        d.finishStep();
        d.finishStep();
        assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
        d.advanceToWake();
        if (attempt == 1) d.advanceToWake();
      }
      return d;
    }

    @Test
    void climbsOneLevelAfterMaxAttemptsThenExhaustsAtTheCeiling() {
      Driver d = exhausted();

      assertThat(d.phase()).isEqualTo(Phase.EXHAUSTED);
      assertThat(d.lastKinds()).containsExactly(EXHAUSTED);
      assertThat(d.lastEvents.get(0).kind().warning()).isTrue();
      assertThat(d.lastEvents.get(0).message()).contains("e1", "escalator.dev/reset=e1");
      assertThat(d.escalation()).isNotNull();
      assertThat(d.escalation().attemptsTotal()).isEqualTo(4);
      assertThat(d.state.history()).singleElement().satisfies(r -> {
        assertThat(r.outcome()).isEqualTo(EscalationRecord.Outcome.EXHAUSTED);
        assertThat(r.startLevel()).isEqualTo(CONVERGE);
        assertThat(r.attempts()).isEqualTo(4);
      });
      assertThat(d.last.wakeAt()).isEmpty();
    }

    @Test
    void exhaustedTakesNoActionHoweverMuchTimePasses() {
      Driver d = exhausted();
      int starts = d.actions.starts.size();
      EnvironmentState frozen = d.state;
      for (Duration jump : List.of(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(30))) {
        Decision decision = d.advance(jump);
        assertThat(decision.runsToStart()).isEmpty();
        assertThat(decision.runsToPoll()).isEmpty();
        assertThat(decision.events()).isEmpty();
        assertThat(decision.wakeAt()).isEmpty();
        assertThat(decision.state()).isEqualTo(frozen);
      }
      d.failing(smoke(), iaasOnline()).reconcile();
      assertThat(d.phase()).isEqualTo(Phase.EXHAUSTED);
      assertThat(d.actions.starts).hasSize(starts);
    }

    @Test
    void exhaustedLeavesWhenTheChecksPass() {
      Driver d = exhausted();
      d.failing().advance(Duration.ofHours(1));
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.escalation()).isNull();
      assertThat(d.lastKinds()).containsExactly(RECOVERED);
    }

    @Test
    void exhaustedLeavesWhenTheSpecChangesAndEscalatesAgainAsE2() {
      Driver d = exhausted();
      d.specChanged = true;
      d.advance(Duration.ofHours(1));
      assertThat(d.lastKinds()).containsExactly(RESET, QUIESCENCE_STARTED);
      assertThat(d.phase()).isEqualTo(Phase.QUIESCING);
      d.specChanged = false;
      d.advance(QUIESCENCE);
      assertThat(d.escalation().id()).isEqualTo("e2");
      assertThat(d.state.counter()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"e2", "e", "E1", "e1/deploy", ""})
    void aResetNamingAnotherIdDoesNothing(String value) {
      Driver d = exhausted();
      d.reset = value;
      d.advance(Duration.ofHours(1));
      assertThat(d.phase()).isEqualTo(Phase.EXHAUSTED);
      assertThat(d.lastEvents).isEmpty();
    }

    @Test
    void aResetNamingTheEscalationClearsIt() {
      Driver d = exhausted();
      d.reset = "e1";
      d.advance(Duration.ofHours(1));
      assertThat(d.lastKinds()).containsExactly(RESET, QUIESCENCE_STARTED);
      assertThat(d.phase()).isEqualTo(Phase.QUIESCING);
      d.advance(QUIESCENCE);
      assertThat(d.escalation().id()).isEqualTo("e2");
    }

    @Test
    void climbsFromANodeLevelUpToTheCeilingAndDragsTheNodeToTheTierLevel() {
      Driver d = Driver.fresh(SixLevels.ladder(), SixLevels.policy(1, 3));
      escalatingOnWeb1(d);
      d.completeAll(RunState.FAILED).reconcile();
      assertThat(d.lastKinds()).containsExactly(STEP_FAILED, CLIMBED);
      d.advanceToWake();
      assertThat(d.stepLevels()).containsExactly(TIER_AND_VMS, ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.targets(d.step())).containsExactly(Target.tier("web"));
      d.finishStep();
      assertThat(d.targets(d.step())).containsExactly(WEB_1.target());
      d.completeAll(RunState.FAILED).reconcile();
      assertThat(d.lastKinds()).containsExactly(STEP_FAILED, EXHAUSTED);
      assertThat(d.phase()).isEqualTo(Phase.EXHAUSTED);
    }
  }

  @Nested
  class Replanning {
    @Test
    void aMoreDrasticFailureDuringSettlingReplansFromItKeepingFinishedSteps() {
      Driver d = escalatingOnWeb1(Driver.fresh());
      d.finishStep();
      assertThat(d.step().level()).isEqualTo(CONVERGE);
      d.completeAll(RunState.SUCCEEDED).reconcile();
      assertThat(d.step().state()).isEqualTo(StepState.SETTLING);
      String convergeHandle = d.step().runs().get(0).handle();

      d.failing(ping(WEB_1), iaasOnline());
      d.advance(Duration.ofSeconds(10));
      assertThat(d.step().state()).as("no re-plan before the settling ends").isEqualTo(StepState.SETTLING);
      d.advance(Duration.ofSeconds(20));

      assertThat(d.lastKinds()).containsExactly(REPLANNED, STEP_STARTED);
      assertThat(d.stepLevels()).containsExactly(ONE_VM, CONVERGE, ACCOUNT, CORE_NETWORK, TIER_AND_VMS, ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.escalation().current()).isEqualTo(2);
      assertThat(d.escalation().steps().subList(0, 2)).extracting(Step::state).containsOnly(StepState.SUCCEEDED);
      assertThat(d.escalation().steps().get(1).runs().get(0).handle()).isEqualTo(convergeHandle);
      assertThat(d.escalation().startIndex()).isEqualTo(1);
      assertThat(d.escalation().id()).isEqualTo("e1");
      assertThat(d.escalation().attemptsTotal()).isEqualTo(1);
      assertThat(d.step().level()).isEqualTo(ACCOUNT);
      assertThat(d.targets(d.step())).containsExactly(Target.environment());

      // the re-planned steps run to the end; the finished ones never run again
      d.finishPlan();
      assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
      assertThat(d.count(REPLANNED)).isEqualTo(1);
      assertThat(d.startsOf(ONE_VM)).hasSize(4); // web-1 once, then all three nodes after account
      assertThat(d.startsOf(ACCOUNT)).hasSize(1);
      assertThat(d.startsOf(CONVERGE)).extracting(Driver.Started::target)
          .containsExactly(WEB_1.target(), DB_1.target(), WEB_1.target(), WEB_2.target());
    }

    @Test
    void failuresThePlanCoversMayKeepFailingUntilItEndsWithoutAReplan() {
      Driver d = Driver.fresh();
      d.failing(servicesNode(WEB_1), smoke()).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.stepLevels()).containsExactly(CONVERGE, DEPLOY);
      d.finishStep();
      d.finishStep();
      assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
      assertThat(d.count(REPLANNED)).isZero();
      assertThat(d.startsOf(CONVERGE)).hasSize(1);
    }

    @Test
    void aReplanAfterAClimbKeepsTheFloorsCoverage() {
      Driver d = Driver.fresh(SixLevels.ladder(), SixLevels.policy(1, 1));
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      d.completeAll(RunState.FAILED).reconcile();
      d.advanceToWake();
      assertThat(d.stepLevels()).containsExactly(CONVERGE, DEPLOY);
      d.failing(smoke(), ping(DB_1));
      d.finishStep();
      assertThat(d.lastKinds()).startsWith(REPLANNED);
      assertThat(d.stepLevels()).containsExactly(CONVERGE, ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.targets(d.step())).containsExactly(DB_1.target());
      d.finishStep();
      // smoke, dragged up to the floor (converge), still covers every node
      assertThat(d.targets(d.step())).containsExactly(DB_1.target(), WEB_1.target(), WEB_2.target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"converge", "deploy"})
    void anEqualOrGentlerFailureDoesNotReplan(String level) {
      Driver d = escalatingOnWeb1(Driver.fresh());
      d.finishStep();
      d.completeAll(RunState.SUCCEEDED).reconcile();
      Failure extra = level.equals(CONVERGE) ? servicesNode(DB_1) : smoke();
      d.failing(ping(WEB_1), extra);
      d.advance(Duration.ofSeconds(30));
      assertThat(d.lastKinds()).containsExactly(STEP_STARTED);
      assertThat(d.stepLevels()).containsExactly(ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.step().level()).isEqualTo(DEPLOY);
    }
  }

  @Nested
  class Approval {
    private Driver waiting() {
      Driver d = Driver.fresh(SixLevels.ladderRequiringApproval(ONE_VM), SixLevels.policy());
      escalatingOnWeb1(d);
      return d;
    }

    @Test
    void aLevelRequiringApprovalWaitsAndAsksOnce() {
      Driver d = waiting();
      assertThat(d.step().state()).isEqualTo(StepState.AWAITING_APPROVAL);
      assertThat(d.lastKinds()).containsExactly(ESCALATION_STARTED, APPROVAL_REQUIRED);
      assertThat(d.lastEvents.get(1).message()).contains("escalator.dev/approve=e1");
      assertThat(d.last.runsToStart()).isEmpty();
      assertThat(d.last.wakeAt()).isEmpty();

      for (Set<String> approvals : List.of(Set.<String>of(), Set.of("e2"), Set.of("e1/converge"), Set.of("e2/one-vm"), Set.of("one-vm"))) {
        d.approvals = approvals;
        d.advance(Duration.ofHours(1));
        assertThat(d.step().state()).isEqualTo(StepState.AWAITING_APPROVAL);
        assertThat(d.last.runsToStart()).isEmpty();
      }
      assertThat(d.count(APPROVAL_REQUIRED)).isEqualTo(1);
      assertThat(d.actions.starts).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"e1", "e1/one-vm"})
    void theIdOrIdSlashLevelApproves(String approval) {
      Driver d = waiting();
      d.advance(Duration.ofHours(2));
      d.approvals = Set.of("e7", approval);
      d.reconcile();
      assertThat(d.lastKinds()).containsExactly(STEP_STARTED);
      assertThat(d.step().state()).isEqualTo(StepState.RUNNING);
      assertThat(d.step().startedAt()).isEqualTo(d.now);
      assertThat(d.startsOf(ONE_VM)).extracting(Driver.Started::target).containsExactly(WEB_1.target());
      // the wait for approval does not count against the level's timeout
      assertThat(d.last.wakeAt()).contains(d.now.plus(Duration.ofMinutes(15)));
    }
  }

  @Nested
  class DryRun {
    @Test
    void quiescenceElapsesButNothingStartsAndThePlanIsAnnouncedOncePerDistinctPlan() {
      Driver d = Driver.fresh();
      d.dryRun = true;
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.phase()).isEqualTo(Phase.QUIESCING);
      assertThat(d.lastKinds()).containsExactly(WOULD_ESCALATE);
      assertThat(d.state.proposed()).isEqualTo("deploy[all]");
      assertThat(d.escalation()).isNull();
      assertThat(d.state.counter()).isZero();

      d.advance(Duration.ofMinutes(10));
      assertThat(d.lastEvents).isEmpty();

      d.failing(ping(WEB_1), smoke()).advance(Duration.ofMinutes(1));
      assertThat(d.lastKinds()).containsExactly(WOULD_ESCALATE);
      assertThat(d.state.proposed()).isEqualTo("one-vm[node/web/web-1] -> converge[node/web/web-1] -> deploy[all]");
      d.advance(Duration.ofMinutes(1));
      assertThat(d.lastEvents).isEmpty();
      assertThat(d.count(WOULD_ESCALATE)).isEqualTo(2);
      assertThat(d.actions.starts).isEmpty();

      d.dryRun = false;
      d.reconcile();
      assertThat(d.lastKinds()).containsExactly(ESCALATION_STARTED, STEP_STARTED);
      assertThat(d.escalation().id()).isEqualTo("e1");
      assertThat(d.state.proposed()).isNull();
    }

    @Test
    void recoveryWhileObservingClearsTheProposal() {
      Driver d = Driver.fresh();
      d.dryRun = true;
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      d.failing().reconcile();
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.state.proposed()).isNull();
      assertThat(d.state.history().get(0).outcome()).isEqualTo(EscalationRecord.Outcome.RECOVERED);
    }

    @Test
    void aRunInFlightWhenPausingIsPolledToCompletionButTheNextStepWaits() {
      Driver d = escalatingOnWeb1(Driver.fresh());
      d.dryRun = true;
      d.advance(Duration.ofMinutes(1));
      assertThat(d.last.runsToPoll()).hasSize(1);
      d.completeAll(RunState.SUCCEEDED).reconcile();
      assertThat(d.step().state()).isEqualTo(StepState.SETTLING);
      d.advance(Duration.ofHours(1));
      assertThat(d.step().level()).isEqualTo(CONVERGE);
      assertThat(d.step().state()).isEqualTo(StepState.PENDING);
      assertThat(d.last.runsToStart()).isEmpty();
      d.advance(Duration.ofHours(1));
      assertThat(d.step().state()).isEqualTo(StepState.PENDING);
      assertThat(d.startsOf(CONVERGE)).isEmpty();

      d.dryRun = false;
      d.reconcile();
      assertThat(d.lastKinds()).containsExactly(STEP_STARTED);
      assertThat(d.startsOf(CONVERGE)).hasSize(1);
    }
  }

  @Nested
  class Resumption {
    @Test
    void aStateCapturedMidStepContinuesPollingTheSameHandlesInAFreshMachine() {
      Driver d = Driver.fresh();
      d.failing(ping(WEB_1), servicesNode(DB_1)).reconcile();
      d.advance(QUIESCENCE);
      d.finishStep();
      assertThat(d.step().level()).isEqualTo(CONVERGE);
      List<String> handles = d.step().runs().stream().map(Run::handle).toList();
      assertThat(handles).hasSize(2).doesNotContainNull();
      int starts = d.actions.starts.size();

      Driver resumed = d.restarted(new EscalationMachine(SixLevels.ladder(), SixLevels.policy()));
      Decision decision = resumed.advance(Duration.ofSeconds(5));
      assertThat(decision.runsToStart()).isEmpty();
      assertThat(decision.runsToPoll()).extracting(Run::handle).containsExactlyElementsOf(handles);
      assertThat(resumed.actions.starts).hasSize(starts);
      assertThat(resumed.lastEvents).isEmpty();

      resumed.completeAll(RunState.SUCCEEDED).reconcile();
      resumed.advanceToWake();
      assertThat(resumed.step().level()).isEqualTo(DEPLOY);
      for (Step done : resumed.escalation().steps().subList(0, 2)) {
        assertThat(done.state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(done.runs()).extracting(Run::state).containsOnly(RunState.SUCCEEDED);
      }
      assertThat(resumed.startsOf(ONE_VM)).hasSize(1);
      assertThat(resumed.startsOf(CONVERGE)).hasSize(2);
    }

    @Test
    void aRunStartingWhenTheOperatorCrashedIsOfferedAgainForTheSameTarget() {
      Driver d = Driver.fresh();
      d.failing(ping(WEB_1), ping(WEB_2)).reconcile();
      d.now = d.now.plus(QUIESCENCE);
      // The first decision is persisted, then the operator dies before recording the handles.
      Decision beforeCrash = d.machine.decide(d.state, d.inputs());
      assertThat(beforeCrash.runsToStart()).extracting(Run::target).containsExactly(WEB_1.target(), WEB_2.target());
      // Suppose web-1's start went through (the action layer holds its work) and web-2's did not.
      d.actions.start(beforeCrash.state().escalation(), WEB_1.target());

      Driver resumed = new Driver(new EscalationMachine(SixLevels.ladder(), SixLevels.policy()), beforeCrash.state(), d.now.plusSeconds(10),
          SixLevels.inventory(), d.actions).failing(ping(WEB_1), ping(WEB_2));
      Decision again = resumed.machine.decide(resumed.state, resumed.inputs());
      assertThat(again.runsToStart()).extracting(Run::target).containsExactly(WEB_1.target(), WEB_2.target());
      assertThat(again.events()).isEmpty();

      resumed.reconcile();
      assertThat(resumed.step().runs()).extracting(Run::state).containsOnly(RunState.RUNNING);
      // "ensure": web-1's second start found the same work
      assertThat(resumed.startsOf(ONE_VM)).extracting(Driver.Started::handle)
          .containsExactly("h-e1/s0/a1/node/web/web-1", "h-e1/s0/a1/node/web/web-1", "h-e1/s0/a1/node/web/web-2");
      assertThat(resumed.step().runs()).extracting(Run::handle)
          .containsExactly("h-e1/s0/a1/node/web/web-1", "h-e1/s0/a1/node/web/web-2");
    }

    @Test
    void reportsForFinishedRunsOrUnknownTargetsAreIgnored() {
      Driver d = Driver.fresh();
      d.failing(ping(WEB_1), ping(WEB_2)).reconcile();
      d.advance(QUIESCENCE);
      d.complete(WEB_1.target(), RunState.SUCCEEDED, "ok").reconcile();
      EnvironmentState before = d.state;
      Map<Target, RunReport> stale = Map.of(
          WEB_1.target(), new RunReport(WEB_1.target(), RunState.FAILED, "other", "late"),
          DB_1.target(), new RunReport(DB_1.target(), RunState.FAILED, "x", "not ours"));
      Decision decision = d.machine.decide(before, d.inputs().withReports(stale));
      assertThat(decision.state()).isEqualTo(before);
      assertThat(decision.events()).isEmpty();
    }
  }

  @Nested
  class Inventory {
    @Test
    void nodesCreatedByTheTierLevelAreWhatTheNodeLevelActsOn() {
      Driver d = Driver.fresh();
      d.inventory = List.of();
      d.failing(servicesTier("web")).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.stepLevels()).containsExactly(TIER_AND_VMS, ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.targets(d.step())).containsExactly(Target.tier("web"));

      d.completeAll(RunState.SUCCEEDED).reconcile();
      Node created1 = new Node("web-a", "web", "10.9.0.1");
      Node created2 = new Node("web-b", "web", "10.9.0.2");
      d.inventory = List.of(created1, created2, DB_1);
      d.advanceToWake();
      assertThat(d.step().level()).isEqualTo(ONE_VM);
      assertThat(d.targets(d.step())).containsExactly(created1.target(), created2.target());
    }

    /**
     * Nothing in place, nothing known: with an empty inventory no tier is known, so the tier level
     * (which would create the VMs) resolves to no target and is skipped. The node levels act on
     * whatever the inventory holds when they start. Documents current behaviour (see the report).
     */
    @Test
    void nothingInPlaceWithAnEmptyInventory() {
      Driver d = Driver.fresh();
      d.inventory = List.of();
      d.failing(iaasOnline()).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.stepLevels()).containsExactly(ACCOUNT, CORE_NETWORK, TIER_AND_VMS, ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.escalation().steps()).allSatisfy(s -> assertThat(s.selector()).isEqualTo(Selector.ALL));
      assertThat(d.targets(d.step())).containsExactly(Target.environment());
      d.finishStep();
      assertThat(d.step().level()).isEqualTo(CORE_NETWORK);
      d.completeAll(RunState.SUCCEEDED).reconcile();
      d.advanceToWake();

      // tier-and-vms, one-vm and converge have nothing to act on; deploy runs once
      assertThat(d.lastKinds()).containsExactly(STEP_SKIPPED, STEP_SKIPPED, STEP_SKIPPED, STEP_STARTED);
      assertThat(d.escalation().steps().subList(2, 5)).extracting(Step::state).containsOnly(StepState.SKIPPED);
      assertThat(d.escalation().steps().subList(2, 5)).allSatisfy(s -> assertThat(s.runs()).isEmpty());
      assertThat(d.step().level()).isEqualTo(DEPLOY);
      assertThat(d.targets(d.step())).containsExactly(Target.environment());
    }

    @Test
    void nodesAddedBeforeTheNodeLevelStartsAreExactlyItsTargets() {
      Driver d = Driver.fresh();
      d.inventory = List.of();
      d.failing(iaasOnline()).reconcile();
      d.advance(QUIESCENCE);
      d.finishStep();
      d.completeAll(RunState.SUCCEEDED).reconcile();
      Node created1 = new Node("app-1", "app", "10.9.0.1");
      Node created2 = new Node("app-2", "app", "10.9.0.2");
      d.inventory = List.of(created1, created2);
      d.advanceToWake();
      // the tier level now knows the tier from the inventory, then one-vm covers exactly the new nodes
      assertThat(d.step().level()).isEqualTo(TIER_AND_VMS);
      assertThat(d.targets(d.step())).containsExactly(Target.tier("app"));
      d.finishStep();
      assertThat(d.step().level()).isEqualTo(ONE_VM);
      assertThat(d.targets(d.step())).containsExactly(created1.target(), created2.target());
    }
  }

  @Nested
  class HistoryAndLadderChanges {
    @Test
    void historyIsBoundedNewestFirst() {
      Driver d = Driver.fresh();
      for (int i = 0; i < 8; i++) {
        d.failing(smoke()).advance(Duration.ofMinutes(1));
        d.failing().advance(Duration.ofSeconds(10));
      }
      assertThat(d.state.history()).hasSize(5);
      assertThat(d.state.history()).extracting(EscalationRecord::finishedAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
      assertThat(d.state.history().get(0).finishedAt()).isEqualTo(d.now);
    }

    @Test
    void aPendingLevelRemovedFromTheLadderCancelsTheEscalation() {
      Driver d = Driver.fresh();
      d.failing(smoke(), servicesNode(WEB_1)).reconcile();
      d.advance(QUIESCENCE);
      d.dryRun = true;
      d.finishStep();
      assertThat(d.step().level()).isEqualTo(DEPLOY);
      assertThat(d.step().state()).isEqualTo(StepState.PENDING);

      Driver edited = d.restarted(new EscalationMachine(SixLevels.ladderWithout(DEPLOY), SixLevels.policy()));
      edited.dryRun = false;
      edited.failing().reconcile();
      assertThat(edited.lastKinds()).containsExactly(CANCELLED);
      assertThat(edited.lastEvents.get(0).message()).contains("deploy");
      assertThat(edited.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(edited.escalation()).isNull();
      assertThat(edited.state.history().get(0)).satisfies(r -> {
        assertThat(r.outcome()).isEqualTo(EscalationRecord.Outcome.CANCELLED);
        assertThat(r.id()).isEqualTo("e1");
        assertThat(r.steps()).containsExactly("converge:Succeeded", "deploy:Pending");
      });
    }

    @Test
    void aRunningLevelRemovedFromTheLadderFinishesItsRunsThenCancels() {
      Driver d = Driver.fresh();
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      Driver edited = d.restarted(new EscalationMachine(SixLevels.ladderWithout(DEPLOY), SixLevels.policy()));
      edited.advance(Duration.ofSeconds(5));
      assertThat(edited.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(edited.last.runsToPoll()).hasSize(1);
      assertThat(edited.lastEvents).isEmpty();
      edited.completeAll(RunState.SUCCEEDED).reconcile();
      // smoke names a level the ladder no longer has: it is ignored, so nothing is failing
      assertThat(edited.lastKinds()).containsExactly(CANCELLED);
      assertThat(edited.phase()).isEqualTo(Phase.HEALTHY);
    }

    @Test
    void aFailingStepWhoseStartLevelLeftTheLadderDoesNotCrash() {
      // e1 started at converge (index 5); the spec then drops two drastic levels, so index 5 is gone.
      Driver d = Driver.fresh();
      d.failing(servicesNode(WEB_1)).reconcile();
      d.advance(QUIESCENCE);
      Driver edited = d.restarted(new EscalationMachine(SixLevels.ladderWithout(ACCOUNT, CORE_NETWORK), SixLevels.policy(1, 1)));
      edited.completeAll(RunState.FAILED).reconcile();
      assertThat(edited.lastKinds()).containsExactly(STEP_FAILED, CLIMBED);
      assertThat(edited.phase()).isEqualTo(Phase.BACKING_OFF);
    }

    @Test
    void failuresNamingUnknownLevelsNeverStartAnything() {
      Driver d = Driver.fresh();
      d.failing(new Failure("disk", WEB_1.target(), "no-such-level")).reconcile();
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      d.advance(Duration.ofHours(1));
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.events).isEmpty();

      d.failing(new Failure("disk", WEB_1.target(), "no-such-level"), smoke()).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.escalation().trigger()).containsExactly(smoke());
      d.finishStep();
      d.failing(new Failure("disk", WEB_1.target(), "no-such-level")).reconcile();
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
      assertThat(d.lastKinds()).containsExactly(CONVERGED);
    }
  }

  @Test
  void floorIsKeptAcrossAttemptsAfterAClimb() {
    Driver d = Driver.fresh(SixLevels.ladder(), SixLevels.policy(1, 1));
    d.failing(smoke()).reconcile();
    d.advance(QUIESCENCE);
    d.completeAll(RunState.FAILED).reconcile();
    d.advanceToWake();
    assertThat(d.escalation().floor()).isEqualTo(OptionalInt.of(5));
    d.completeAll(RunState.FAILED).reconcile();
    assertThat(d.lastKinds()).containsExactly(STEP_FAILED, CLIMBED);
    assertThat(d.escalation().floor()).isEqualTo(OptionalInt.of(4));
    d.advanceToWake();
    assertThat(d.stepLevels()).containsExactly(ONE_VM, CONVERGE, DEPLOY);
  }

  @Nested
  class Gates {
    private final Gate cloudDown = new Gate("iaas-online", 1, "environment: keystone unreachable");

    @Test
    void aClosedGateHoldsGentlerLevelsWithOneEventAndNoRun() {
      Driver d = Driver.fresh();
      d.gate = cloudDown;
      escalatingOnWeb1(d);

      assertThat(d.stepLevels()).containsExactly(ONE_VM, CONVERGE, DEPLOY);
      assertThat(d.step().state()).isEqualTo(StepState.PENDING);
      assertThat(d.step().message()).contains("gate check iaas-online").contains("keystone unreachable");
      assertThat(d.actions.starts).isEmpty();
      assertThat(d.events).extracting(DomainEvent::kind).containsOnlyOnce(DomainEvent.Kind.GATED);

      d.advance(Duration.ofMinutes(30));
      assertThat(d.actions.starts).as("still held, however long").isEmpty();
      assertThat(d.events).extracting(DomainEvent::kind).containsOnlyOnce(DomainEvent.Kind.GATED);

      d.gate = null;
      d.reconcile();
      assertThat(d.actions.starts).extracting(Driver.Started::level).containsExactly(ONE_VM);
      assertThat(d.step().state()).isEqualTo(StepState.RUNNING);
    }

    @Test
    void aStepWaitingForTheGateReplansWhenTheGatesOwnLevelBecomesRequired() {
      // Found on a faulty cloud: the network check failed while the online check could not be
      // observed (ERROR, no failure); the plan began at a gentler level that the closed gate held,
      // and when the online check then failed (project missing), nothing would ever run it. The crash
      // harness found the same with a gate check that had no result yet when the escalation started.
      Driver d = Driver.fresh();
      d.gate = new Gate("iaas-online", 1, "environment: circuit open");
      escalatingOnWeb1(d);
      assertThat(d.actions.starts).isEmpty();

      d.gate = new Gate("iaas-online", 1, "environment: project missing");
      d.failing(ping(WEB_1), iaasOnline()).reconcile();
      assertThat(d.lastKinds()).contains(DomainEvent.Kind.REPLANNED);
      assertThat(d.stepLevels().get(0)).isEqualTo(ACCOUNT);
      assertThat(d.actions.starts).extracting(Driver.Started::level).containsExactly(ACCOUNT);
    }

    @Test
    void aClosedGateDoesNotHoldItsOwnLevelOrMoreDrasticOnes() {
      Driver d = Driver.fresh();
      d.gate = new Gate("iaas-online", 1, "environment: project missing");
      d.failing(iaasOnline()).reconcile();
      d.advance(QUIESCENCE);

      assertThat(d.stepLevels().get(0)).isEqualTo(ACCOUNT);
      assertThat(d.actions.starts).extracting(Driver.Started::level).containsExactly(ACCOUNT);
    }
  }

  @Nested
  class RateLimit {
    private Driver limitedTo(int perHour) {
      Policy p = SixLevels.policy();
      return Driver.fresh(SixLevels.ladder(), new Policy(p.quiescence(), p.maxAttempts(), p.backoff(), p.maxBackoff(), p.ceilingIndex(),
          p.verifyTimeout(), p.historyLimit(), perHour));
    }

    /** The smoke test fails, quiescence passes, the redeploy succeeds and the checks pass. */
    private void oneConvergedEscalation(Driver d) {
      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      d.failing();
      d.completeAll(RunState.SUCCEEDED).reconcile();
      d.advance(Duration.ofSeconds(10));
      assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
    }

    @Test
    void moreThanMaxPerHourWaitUntilTheOldestIsAnHourOldWithOneEvent() {
      Driver d = limitedTo(2);
      Instant first = d.now.plus(QUIESCENCE);
      oneConvergedEscalation(d);
      d.advance(Duration.ofMinutes(5));
      oneConvergedEscalation(d);
      d.advance(Duration.ofMinutes(5));

      d.failing(smoke()).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.phase()).as("held, not escalating").isEqualTo(Phase.QUIESCING);
      assertThat(d.lastKinds()).containsExactly(DomainEvent.Kind.RATE_LIMITED);
      assertThat(d.last.wakeAt()).contains(first.plus(Duration.ofHours(1)));
      d.advance(Duration.ofMinutes(10));
      assertThat(d.events).extracting(DomainEvent::kind).containsOnlyOnce(DomainEvent.Kind.RATE_LIMITED);
      assertThat(d.state.counter()).isEqualTo(2);

      d.advanceTo(first.plus(Duration.ofHours(1)));
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(d.escalation().id()).isEqualTo("e3");
    }

    @Test
    void noLimitByDefaultAndRecoveriesDoNotCount() {
      Driver d = Driver.fresh();
      for (int i = 0; i < 4; i++) {
        oneConvergedEscalation(d);
        d.advance(Duration.ofMinutes(1));
      }
      assertThat(d.state.counter()).isEqualTo(4);

      Driver limited = limitedTo(1);
      limited.failing(smoke()).reconcile();
      limited.failing().reconcile();
      assertThat(limited.lastKinds()).containsExactly(DomainEvent.Kind.RECOVERED);
      oneConvergedEscalation(limited);
      assertThat(limited.state.counter()).as("a recovery is no escalation").isEqualTo(1);
    }
  }
  @Nested
  class Holds {
    private final Hold cap = Hold.concurrency("10 escalations are in flight, the operator's cap (10)");
    private final Hold meltdown = Hold.meltdown("9 of 12 environments fail at once (more than 50%)");

    @Test
    void aCapHoldsANewEscalationInQuiescingWithOneEventThenItStartsWhenLifted() {
      Driver d = Driver.fresh();
      d.holds = List.of(cap);
      d.failing(ping(WEB_1)).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.phase()).as("held, not escalating").isEqualTo(Phase.QUIESCING);
      assertThat(d.last.held()).isEqualTo(cap);
      assertThat(d.lastKinds()).containsExactly(DomainEvent.Kind.HELD);
      assertThat(d.lastEvents.get(0).message()).contains("ping on node/web/web-1").contains("ConcurrencyLimit");
      d.advance(Duration.ofMinutes(10));
      assertThat(d.count(DomainEvent.Kind.HELD)).as("told once").isEqualTo(1);
      assertThat(d.actions.starts).isEmpty();
      assertThat(d.state.counter()).as("no escalation id spent on a hold").isZero();

      d.holds = List.of();
      d.reconcile();
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(d.last.held()).isNull();
      assertThat(d.actions.starts).extracting(Driver.Started::level).containsExactly(ONE_VM);
    }

    @Test
    void whenAMeltdownLiftsTheQuiescenceStartsOverSoStragglersMayRecoverWithTheRest() {
      Driver d = Driver.fresh();
      d.holds = List.of(meltdown);
      d.failing(ping(WEB_1)).reconcile();
      d.advance(QUIESCENCE.plus(Duration.ofMinutes(5)));
      assertThat(d.last.held()).isEqualTo(meltdown);

      d.holds = List.of();
      d.advance(Duration.ofSeconds(1));
      assertThat(d.phase()).as("not at once: its own check may lag the others' recovery").isEqualTo(Phase.QUIESCING);
      assertThat(d.lastKinds()).containsExactly(DomainEvent.Kind.QUIESCENCE_STARTED);
      assertThat(d.last.wakeAt()).contains(d.now.plus(QUIESCENCE));
      d.failing().advance(Duration.ofSeconds(2));
      assertThat(d.lastKinds()).containsExactly(DomainEvent.Kind.RECOVERED);
      assertThat(d.actions.starts).isEmpty();
    }

    @Test
    void whenACapLiftsTheEscalationStartsAtOnce() {
      Driver d = Driver.fresh();
      d.holds = List.of(cap);
      d.failing(ping(WEB_1)).reconcile();
      d.advance(QUIESCENCE);
      d.holds = List.of();
      d.advance(Duration.ofSeconds(1));
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
    }

    @Test
    void aCapDoesNotHoldTheStepsOfAnEscalationInFlight() {
      Driver d = escalatingOnWeb1(Driver.fresh());
      d.holds = List.of(cap);
      d.finishStep();
      assertThat(d.step().level()).isEqualTo(CONVERGE);
      assertThat(d.step().state()).isEqualTo(StepState.RUNNING);
      assertThat(d.last.held()).isNull();
    }

    @Test
    void aMeltdownHoldsTheNextStepOfAnEscalationInFlightButNeverTheRunningOne() {
      Driver d = escalatingOnWeb1(Driver.fresh());
      d.holds = List.of(meltdown);
      d.reconcile();
      assertThat(d.step().state()).as("the run in flight goes on").isEqualTo(StepState.RUNNING);
      d.completeAll(RunState.SUCCEEDED).reconcile();
      d.advanceTo(d.step().settleUntil());
      assertThat(d.step().level()).isEqualTo(CONVERGE);
      assertThat(d.step().state()).isEqualTo(StepState.PENDING);
      assertThat(d.step().message()).isEqualTo("held by Meltdown");
      assertThat(d.lastEvents.get(d.lastEvents.size() - 1).message()).contains("9 of 12 environments");
      assertThat(d.last.held()).isEqualTo(meltdown);
      assertThat(d.startsOf(CONVERGE)).isEmpty();
      d.advance(Duration.ofMinutes(5));
      assertThat(d.count(DomainEvent.Kind.HELD)).isEqualTo(1);

      d.holds = List.of();
      d.reconcile();
      assertThat(d.startsOf(CONVERGE)).hasSize(1);
    }

    @Test
    void aTierHoldKeepsNodeLevelsButLetsAMoreDrasticLevelRun() {
      Hold tier = Hold.tierFailing("3 of 4 nodes of tier web fail at once");
      Driver d = Driver.fresh();
      d.holds = List.of(tier);
      d.failing(ping(WEB_1), ping(WEB_2)).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.phase()).as("the plan starts at a node level: not started").isEqualTo(Phase.QUIESCING);
      assertThat(d.last.held()).isEqualTo(tier);

      d.failing(ping(WEB_1), ping(WEB_2), iaasOnline()).reconcile();
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
      assertThat(d.actions.starts).extracting(Driver.Started::level).containsExactly(ACCOUNT);
    }

    @Test
    void observeModeShowsThePlanRatherThanTheHold() {
      Driver d = Driver.fresh();
      d.holds = List.of(meltdown);
      d.dryRun = true;
      d.failing(ping(WEB_1)).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.lastKinds()).containsExactly(DomainEvent.Kind.WOULD_ESCALATE);
    }
  }

  @Nested
  class FlapDamping {
    @Test
    void onlyFlappingFailuresStartNothingAndAreToldOnceAcrossTheirFlips() {
      Driver d = Driver.fresh();
      d.flapping = List.of(ping(WEB_1));
      for (int i = 0; i < 5; i++) {
        d.failing(ping(WEB_1)).advance(Duration.ofSeconds(20));
        assertThat(d.phase()).isEqualTo(Phase.HEALTHY);
        assertThat(d.last.held()).extracting(Hold::kind).isEqualTo(Hold.Kind.FLAPPING);
        d.failing().advance(Duration.ofSeconds(20));
      }
      assertThat(d.count(DomainEvent.Kind.FLAPPING)).isEqualTo(1);
      assertThat(d.count(DomainEvent.Kind.QUIESCENCE_STARTED)).isZero();
      assertThat(d.actions.starts).isEmpty();

      d.flapping = List.of();
      d.failing(ping(WEB_1)).reconcile();
      assertThat(d.phase()).as("steady failure: the loop goes on").isEqualTo(Phase.QUIESCING);
      d.advance(QUIESCENCE);
      assertThat(d.phase()).isEqualTo(Phase.ESCALATING);
    }

    @Test
    void aSteadyFailureBesideAFlappingOneEscalatesForTheSteadyOneOnly() {
      Driver d = Driver.fresh();
      d.flapping = List.of(iaasOnline());
      d.failing(ping(WEB_1), iaasOnline()).reconcile();
      d.advance(QUIESCENCE);
      assertThat(d.escalation().trigger()).containsExactly(ping(WEB_1));
      assertThat(d.stepLevels().get(0)).isEqualTo(ONE_VM);
    }

    @Test
    void anEscalationInFlightIsNotReportedConvergedWhileAFlappingCheckStillFails() {
      Driver d = escalatingOnWeb1(Driver.fresh());
      d.flapping = List.of(ping(WEB_1));
      d.finishPlan();
      assertThat(d.phase()).isEqualTo(Phase.VERIFYING);
      d.advance(Duration.ofSeconds(5));
      assertThat(d.phase()).as("still failing: no success").isNotEqualTo(Phase.HEALTHY);
      assertThat(d.count(DomainEvent.Kind.CONVERGED)).isZero();
    }
  }
}

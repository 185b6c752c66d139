package dev.escalator.operator.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The operator-wide guard, driven with real state-machine decisions at a fixed instant. */
class StormGuardTest {
  private static final Duration QUIESCENCE = Duration.ofSeconds(30);
  private final EscalationMachine machine = new EscalationMachine(SixLevels.ladder(), SixLevels.policy());

  /** An environment that has been failing for the whole quiescence: deciding now starts an escalation unless held. */
  private static EnvironmentState quiesced() {
    return new EnvironmentState(Phase.QUIESCING, SixLevels.T0, 0, null, List.of(), null);
  }

  private static Inputs failing() {
    return Inputs.at(SixLevels.T0.plus(QUIESCENCE), List.of(SixLevels.smoke()), SixLevels.inventory());
  }

  private static Inputs passing() {
    return Inputs.at(SixLevels.T0.plus(QUIESCENCE), List.of(), SixLevels.inventory());
  }

  private Decision decide(StormGuard guard, String ns, String name, EnvironmentState state, Inputs in) {
    return guard.decide(ns, name, true, machine, state, in);
  }

  @Test
  void theOperatorCapHoldsTheEscalationPastItAndAnEndedOneFreesItsSlot() {
    StormGuard guard = new StormGuard(new StormGuard.Limits(2, 0, 100, 1));
    Decision a = decide(guard, "a", "shop", quiesced(), failing());
    Decision b = decide(guard, "b", "shop", quiesced(), failing());
    Decision c = decide(guard, "c", "shop", quiesced(), failing());
    assertThat(a.state().phase()).isEqualTo(Phase.ESCALATING);
    assertThat(b.state().phase()).isEqualTo(Phase.ESCALATING);
    assertThat(c.state().phase()).isEqualTo(Phase.QUIESCING);
    assertThat(c.held().kind()).isEqualTo(Hold.Kind.CONCURRENCY);
    assertThat(c.held().why()).contains("2 escalations are in flight, the operator's cap (2)");
    assertThat(guard.snapshot().inFlight()).isEqualTo(2);

    EnvironmentState aVerifying = new EnvironmentState(Phase.VERIFYING, SixLevels.T0, a.state().counter(),
        a.state().escalation().verifying(SixLevels.T0.plus(Duration.ofMinutes(5))), List.of(), null);
    Decision aDone = decide(guard, "a", "shop", aVerifying, passing());
    assertThat(aDone.state().phase()).as("checks pass: converged").isEqualTo(Phase.HEALTHY);
    assertThat(decide(guard, "c", "shop", c.state(), failing()).state().phase()).isEqualTo(Phase.ESCALATING);
  }

  @Test
  void theNamespaceCapCountsOnlyItsNamespace() {
    StormGuard guard = new StormGuard(new StormGuard.Limits(0, 1, 100, 1));
    assertThat(decide(guard, "team-a", "one", quiesced(), failing()).state().phase()).isEqualTo(Phase.ESCALATING);
    Decision two = decide(guard, "team-a", "two", quiesced(), failing());
    assertThat(two.held().why()).contains("namespace team-a");
    assertThat(decide(guard, "team-b", "one", quiesced(), failing()).state().phase()).isEqualTo(Phase.ESCALATING);
  }

  @Test
  void anEscalationAlreadyInFlightKeepsItsSlotEvenPastTheCapAfterARestart() {
    StormGuard before = new StormGuard(new StormGuard.Limits(1, 0, 100, 1));
    EnvironmentState x = decide(before, "a", "x", quiesced(), failing()).state();
    EnvironmentState y = decide(new StormGuard(before.limits()), "a", "y", quiesced(), failing()).state();

    StormGuard restarted = new StormGuard(before.limits());
    Decision dx = decide(restarted, "a", "x", x, failing());
    Decision dy = decide(restarted, "a", "y", y, failing());
    assertThat(dx.held()).isNull();
    assertThat(dy.held()).as("resumed, not refused").isNull();
    assertThat(dy.state().escalation().id()).isEqualTo("e1");
    assertThat(restarted.snapshot().inFlight()).isEqualTo(2);
    assertThat(decide(restarted, "a", "z", quiesced(), failing()).held().kind()).isEqualTo(Hold.Kind.CONCURRENCY);
  }

  @Test
  void exhaustedFreesItsSlotAndForgetFreesTheSlotOfADeletedEnvironment() {
    StormGuard guard = new StormGuard(new StormGuard.Limits(1, 0, 100, 1));
    EnvironmentState a = decide(guard, "a", "x", quiesced(), failing()).state();
    EnvironmentState exhausted = new EnvironmentState(Phase.EXHAUSTED, SixLevels.T0, a.counter(), a.escalation(), List.of(), null);
    decide(guard, "a", "x", exhausted, failing());
    assertThat(guard.snapshot().inFlight()).isZero();

    decide(guard, "a", "y", quiesced(), failing());
    assertThat(guard.snapshot().inFlight()).isEqualTo(1);
    guard.forget("a", "y");
    assertThat(guard.snapshot()).isEqualTo(new StormGuard.Snapshot(1, 1, 0, false));
  }

  @Test
  void moreThanTheShareOfEnvironmentsFailingHoldsEverythingUntilFewerFail() {
    StormGuard guard = new StormGuard(new StormGuard.Limits(0, 0, 50, 4));
    decide(guard, "a", "one", EnvironmentState.initial(SixLevels.T0), passing());
    decide(guard, "a", "two", EnvironmentState.initial(SixLevels.T0), passing());
    decide(guard, "a", "three", quiesced(), failing());
    Decision fourth = decide(guard, "a", "four", quiesced(), failing());
    assertThat(fourth.held()).as("2 of 4 is the share, not more").isNull();

    Decision five = decide(guard, "a", "five", quiesced(), failing());
    assertThat(five.held().kind()).isEqualTo(Hold.Kind.MELTDOWN);
    assertThat(five.held().why()).startsWith("3 of 5 environments fail at once (more than 50%)");
    assertThat(guard.snapshot().meltdown()).isTrue();
    assertThat(five.state().phase()).isEqualTo(Phase.QUIESCING);

    decide(guard, "a", "three", quiesced(), passing());
    assertThat(guard.snapshot().meltdown()).isFalse();
    Decision lifted = decide(guard, "a", "five", five.state(), failing());
    assertThat(lifted.state().phase()).as("the quiescence starts over when a meltdown lifts").isEqualTo(Phase.QUIESCING);
    Inputs later = Inputs.at(lifted.state().since().plus(QUIESCENCE), List.of(SixLevels.smoke()), SixLevels.inventory());
    assertThat(decide(guard, "a", "five", lifted.state(), later).state().phase()).isEqualTo(Phase.ESCALATING);
  }

  @Test
  void environmentsThatNeverPassedTheirChecksAreBeingBuiltNotMeltingDown() {
    StormGuard guard = new StormGuard(new StormGuard.Limits(0, 0, 50, 4));
    for (String name : List.of("one", "two", "three", "four", "five")) {
      assertThat(guard.decide("a", name, false, machine, quiesced(), failing()).state().phase()).isEqualTo(Phase.ESCALATING);
    }
    assertThat(guard.snapshot()).isEqualTo(new StormGuard.Snapshot(0, 0, 5, false));
  }

  @Test
  void tooFewEnvironmentsAreNeverAMeltdown() {
    StormGuard guard = new StormGuard(StormGuard.Limits.defaults());
    for (String name : List.of("one", "two", "three")) {
      assertThat(decide(guard, "a", name, quiesced(), failing()).state().phase()).isEqualTo(Phase.ESCALATING);
    }
    assertThat(guard.snapshot().meltdown()).isFalse();
  }

  @Test
  void concurrentDecisionsNeverTakeMoreSlotsThanTheCap() throws Exception {
    StormGuard guard = new StormGuard(new StormGuard.Limits(3, 0, 100, 1));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Decision>> decisions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String name = "env-" + i;
      decisions.add(pool.submit(() -> {
        go.await();
        return decide(guard, "a", name, quiesced(), failing());
      }));
    }
    go.countDown();
    long started = 0;
    for (Future<Decision> f : decisions) if (f.get().state().phase() == Phase.ESCALATING) started++;
    pool.shutdown();
    assertThat(started).isEqualTo(3);
    assertThat(guard.snapshot().inFlight()).isEqualTo(3);
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new StormGuard.Limits(-1, 0, 50, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StormGuard.Limits(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StormGuard.Limits(1, 1, 50, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}

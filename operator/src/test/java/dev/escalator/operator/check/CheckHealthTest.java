package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.check.ProbeResult.Outcome;
import dev.escalator.operator.ladder.Flapping;
import dev.escalator.operator.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckHealthTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final SettableClock clock = new SettableClock(T0);

  private static final ProbeResult PASS = ProbeResult.pass("ok");
  private static final ProbeResult FAIL = ProbeResult.fail("down");
  private static final ProbeResult ERROR = ProbeResult.error("prometheus unreachable");

  private static ProbeResult parse(char c) {
    return switch (c) {
      case 'P' -> PASS;
      case 'F' -> FAIL;
      case 'E' -> ERROR;
      default -> throw new IllegalArgumentException("" + c);
    };
  }

  /** Healthy after each result as one letter: U unknown, H healthy, X failing. */
  private String run(int failureThreshold, int successThreshold, String results) {
    CheckHealth health = new CheckHealth(failureThreshold, successThreshold, clock);
    StringBuilder out = new StringBuilder();
    for (char c : results.toCharArray()) {
      health.record(parse(c));
      Boolean h = health.healthy();
      out.append(h == null ? 'U' : h ? 'H' : 'X');
    }
    return out.toString();
  }

  @ParameterizedTest(name = "failure={0} success={1}: {2} -> {3}")
  @CsvSource({
    // The first PASS is decisive at once, whatever successThreshold says.
    "3, 2, P, H",
    "3, 2, E, U",
    "3, 2, EEE, UUU",
    // Failing needs failureThreshold consecutive FAILs, from unknown or from healthy.
    "3, 1, FF, UU",
    "3, 1, FFF, UUX",
    "1, 1, F, X",
    "3, 1, PFFF, HHHX",
    "3, 1, PFFPFFF, HHHHHHX",
    // ERROR neither breaks nor extends a streak.
    "3, 1, PFFEF, HHHHX",
    "3, 1, FEFEF, UUUUX",
    "3, 1, FFFE, UUXX",
    // Recovery needs successThreshold consecutive PASSes.
    "1, 3, FPP, XXX",
    "1, 3, FPPP, XXXH",
    "1, 3, FPPFPPP, XXXXXXH",
    "1, 3, FPPEP, XXXXH",
    "2, 2, FFPEP, UXXXH",
    // Unknown does not fall back once decided.
    "2, 1, PEEEE, HHHHH",
    "2, 1, FFEEE, UXXXX",
  })
  void thresholdsFollowKubeletSemantics(int failureThreshold, int successThreshold, String results, String expected) {
    assertThat(run(failureThreshold, successThreshold, results)).isEqualTo(expected);
  }

  @Test
  void startsUnknownWithNoTransitionAndSaysItHasNotProbed() {
    CheckHealth health = new CheckHealth(3, 1, clock);
    assertThat(health.snapshot())
        .isEqualTo(new CheckHealth.Snapshot(null, "not probed yet", null, null, 0, 0, List.of()));
  }

  @Test
  void lastTransitionTimeIsWhenHealthyChangedValue() {
    CheckHealth health = new CheckHealth(2, 2, clock);
    clock.advance(Duration.ofSeconds(10));
    health.record(PASS);
    assertThat(health.lastTransitionTime()).isEqualTo(T0.plusSeconds(10));

    clock.advance(Duration.ofSeconds(10));
    health.record(FAIL);
    assertThat(health.lastTransitionTime()).as("one FAIL of two is no transition").isEqualTo(T0.plusSeconds(10));
    clock.advance(Duration.ofSeconds(10));
    health.record(FAIL);
    assertThat(health.lastTransitionTime()).isEqualTo(T0.plusSeconds(30));

    clock.advance(Duration.ofSeconds(10));
    health.record(ERROR);
    health.record(FAIL);
    assertThat(health.lastTransitionTime()).isEqualTo(T0.plusSeconds(30));

    clock.advance(Duration.ofSeconds(10));
    health.record(PASS);
    clock.advance(Duration.ofSeconds(10));
    health.record(PASS);
    assertThat(health.lastTransitionTime()).isEqualTo(T0.plusSeconds(60));
    assertThat(health.snapshot().changes()).as("changes between healthy and failing; the first verdict is none")
        .containsExactly(T0.plusSeconds(30), T0.plusSeconds(60));
  }

  @Test
  void remembersOnlyTheLatestChangesForFlapDamping() {
    CheckHealth health = new CheckHealth(1, 1, clock);
    health.record(PASS);
    for (int i = 0; i < Flapping.HISTORY + 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      health.record(i % 2 == 0 ? FAIL : PASS);
    }
    List<Instant> changes = health.snapshot().changes();
    assertThat(changes).hasSize(Flapping.HISTORY).isSorted();
    assertThat(changes.get(changes.size() - 1)).isEqualTo(T0.plusSeconds(Flapping.HISTORY + 10));
  }

  @Test
  void recordReportsAChangeOnlyWhenHealthyOrTheMessageMoves() {
    CheckHealth health = new CheckHealth(2, 1, clock);
    List<Boolean> changed = new ArrayList<>();
    for (ProbeResult r : List.of(PASS, PASS, FAIL, FAIL, FAIL, ERROR, ERROR, FAIL, PASS, PASS)) {
      changed.add(health.record(r));
    }
    // PASS: unknown->healthy; PASS same; FAIL message changes; FAIL -> failing; FAIL same;
    // ERROR message changes; ERROR same; FAIL message back; PASS -> healthy; PASS same.
    assertThat(changed).containsExactly(true, false, true, true, false, true, false, true, true, false);
  }

  @Test
  void errorKeepsHealthyButShowsItsMessageAndOutcome() {
    CheckHealth health = new CheckHealth(3, 1, clock);
    health.record(PASS);
    health.record(FAIL);
    health.record(ERROR);
    assertThat(health.snapshot()).isEqualTo(
        new CheckHealth.Snapshot(true, "prometheus unreachable", Outcome.ERROR, T0, 1, 0, List.of()));
  }

  @Test
  void countersTrackTheCurrentStreak() {
    CheckHealth health = new CheckHealth(5, 5, clock);
    health.record(FAIL);
    health.record(FAIL);
    assertThat(health.consecutiveFailures()).isEqualTo(2);
    assertThat(health.consecutiveSuccesses()).isZero();
    health.record(PASS);
    assertThat(health.consecutiveFailures()).isZero();
    assertThat(health.consecutiveSuccesses()).isEqualTo(1);
  }

  @Test
  void thresholdsBelowOneAreRefused() {
    assertThatThrownBy(() -> new CheckHealth(0, 1, clock)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CheckHealth(1, 0, clock)).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.escalator.operator.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The small value types: targets' keys, the backoff curve, ladder and level validation. */
class ValuesTest {
  @ParameterizedTest
  @ValueSource(strings = {"environment", "tier/web", "node/web/web-1"})
  void targetKeysRoundTrip(String key) {
    assertThat(Target.parse(key).key()).isEqualTo(key);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "env", "tier/", "tier", "node/web", "node//web-1", "node/web/", "tier/a/b", "node/a/b/c"})
  void malformedTargetKeysAreRejected(String key) {
    assertThatThrownBy(() -> Target.parse(key)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "backoff {0}s, max {1}s, after attempt {2} -> {3}s")
  @CsvSource({
      "60, 240, 1, 60",
      "60, 240, 2, 120",
      "60, 240, 3, 240",
      "60, 240, 4, 240",
      "60, 240, 50, 240",
      "60, 200, 3, 200",
      "300, 120, 1, 120",
      "0, 120, 5, 0"})
  void backoffDoublesPerAttemptUpToTheCap(long backoff, long max, int attempt, long expected) {
    Policy p = new Policy(Duration.ZERO, 3, Duration.ofSeconds(backoff), Duration.ofSeconds(max), 1, Duration.ZERO, 1);
    assertThat(p.backoffAfter(attempt)).isEqualTo(Duration.ofSeconds(expected));
  }

  @Test
  void ladderChecksIndicesAndNames() {
    Level a = new Level(1, "a", Scope.ENVIRONMENT, Duration.ZERO, Duration.ofSeconds(1), false);
    Level b = new Level(2, "b", Scope.NODE, Duration.ZERO, Duration.ofSeconds(1), false);
    Ladder ladder = new Ladder(List.of(a, b));
    assertThat(ladder.from(2)).containsExactly(b);
    assertThat(ladder.at(1)).isEqualTo(a);
    assertThat(ladder.find("c")).isEmpty();
    assertThat(a.moreDrasticThan(b)).isTrue();
    assertThat(b.moreDrasticThan(a)).isFalse();
    assertThatThrownBy(() -> new Ladder(List.of(b))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ladder(List.of(a, new Level(2, "a", Scope.NODE, Duration.ZERO, Duration.ofSeconds(1), false))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ladder(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Level(1, "z", Scope.NODE, Duration.ZERO, Duration.ZERO, false)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void machineRejectsACeilingBeyondTheLadder() {
    assertThatThrownBy(() -> new EscalationMachine(SixLevels.ladder(), SixLevels.policy(2, 7))).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.escalator.operator.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlappingTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final Flapping damping = new Flapping(4, Duration.ofMinutes(10));

  private static List<Instant> every(Duration gap, int count) {
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < count; i++) out.add(T0.plus(gap.multipliedBy(i)));
    return out;
  }

  @Test
  void moreThanMaxChangesWithinAWindowIsFlappingUntilTheVerdictHeldAWholeWindow() {
    List<Instant> five = every(Duration.ofMinutes(1), 5);
    Instant last = five.get(4);
    assertThat(damping.until(five, last)).contains(last.plus(Duration.ofMinutes(10)));
    assertThat(damping.until(five, last.plus(Duration.ofMinutes(9)))).as("not steady yet").isPresent();
    assertThat(damping.until(five, last.plus(Duration.ofMinutes(10)))).as("held a whole window").isEmpty();
  }

  @Test
  void maxChangesWithinAWindowIsNotFlapping() {
    List<Instant> four = every(Duration.ofMinutes(1), 4);
    assertThat(damping.until(four, four.get(3))).isEmpty();
  }

  @Test
  void changesSpreadWiderThanTheWindowAreNotFlapping() {
    List<Instant> slow = every(Duration.ofMinutes(3), 12);
    assertThat(damping.until(slow, slow.get(11))).as("at most 4 changes in any 10 minutes").isEmpty();
  }

  @Test
  void aFlappingTargetStaysFlappingWhileItKeepsChangingEvenSlowlyUntilItHoldsAWindow() {
    List<Instant> changes = new ArrayList<>(every(Duration.ofMinutes(1), 5));
    // Then a change every 8 minutes: never 5 within 10 minutes again, but never steady for 10 either.
    for (int i = 1; i <= 6; i++) changes.add(changes.get(4).plus(Duration.ofMinutes(8L * i)));
    Instant last = changes.get(changes.size() - 1);
    assertThat(damping.until(changes, last)).contains(last.plus(Duration.ofMinutes(10)));
  }

  @Test
  void aBurstLongAgoSeparatedByASteadyWindowIsForgotten() {
    List<Instant> changes = new ArrayList<>(every(Duration.ofMinutes(1), 6));
    Instant later = changes.get(5).plus(Duration.ofMinutes(30));
    changes.add(later);
    assertThat(damping.until(changes, later)).isEmpty();
  }

  @Test
  void offNeverFlapsAndLimitsAreChecked() {
    assertThat(Flapping.off().until(every(Duration.ofSeconds(1), 60), T0.plusSeconds(60))).isEmpty();
    assertThatThrownBy(() -> new Flapping(-1, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Flapping(Flapping.HISTORY, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Flapping(4, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}

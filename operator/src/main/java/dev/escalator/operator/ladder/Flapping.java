package dev.escalator.operator.ladder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Flap damping for one check target, from the instants its verdict changed (healthy to failing or
 * back; from unknown does not count).
 *
 * <p>A target is flapping when more than {@code maxChanges} changes fall within one {@code window},
 * and it stays flapping until its verdict has held for a whole {@code window}. Computed from the
 * change history alone, so the answer needs no state of its own: the changes since the verdict last
 * held for a window (the current unstable run) are searched for a window with too many changes.
 *
 * @param maxChanges changes tolerated within a window; 0 turns damping off
 */
public record Flapping(int maxChanges, Duration window) {
  /** Changes a check target remembers: enough to find any run that has more than the highest maxChanges allowed. */
  public static final int HISTORY = 64;

  public Flapping {
    if (maxChanges < 0 || maxChanges >= HISTORY) throw new IllegalArgumentException("maxChanges must be between 0 and " + (HISTORY - 1));
    if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
  }

  public static Flapping off() {
    return new Flapping(0, Duration.ofMinutes(1));
  }

  /**
   * When a flapping target becomes stable again if it does not change before then (its last change
   * plus a window); empty when it is not flapping. {@code changes} is in ascending order.
   */
  public Optional<Instant> until(List<Instant> changes, Instant now) {
    if (maxChanges == 0 || changes.size() <= maxChanges) return Optional.empty();
    Instant last = changes.get(changes.size() - 1);
    Instant stableAt = last.plus(window);
    if (!now.isBefore(stableAt)) return Optional.empty();
    int start = changes.size() - 1;
    while (start > 0 && Duration.between(changes.get(start - 1), changes.get(start)).compareTo(window) < 0) start--;
    for (int i = start, j = start; j < changes.size(); j++) {
      while (Duration.between(changes.get(i), changes.get(j)).compareTo(window) >= 0) i++;
      if (j - i + 1 > maxChanges) return Optional.of(stableAt);
    }
    return Optional.empty();
  }
}

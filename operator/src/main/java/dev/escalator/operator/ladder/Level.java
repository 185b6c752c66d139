package dev.escalator.operator.ladder;

import java.time.Duration;
import java.util.Objects;

/**
 * One rung of the ladder. {@code index} is its 1-based position: 1 is the most drastic level.
 * The action a level runs is not part of the domain: the state machine only needs to know the
 * level's scope and timers.
 */
public record Level(int index, String name, Scope scope, Duration quiescence, Duration timeout, boolean requiresApproval) {
  public Level {
    if (index < 1) throw new IllegalArgumentException("level index starts at 1: " + index);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(quiescence, "quiescence");
    Objects.requireNonNull(timeout, "timeout");
    if (quiescence.isNegative()) throw new IllegalArgumentException("negative quiescence for level " + name);
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive for level " + name);
  }

  /** True when this level is more drastic (nearer the top of the ladder) than {@code other}. */
  public boolean moreDrasticThan(Level other) {
    return index < other.index;
  }
}

package dev.escalator.operator.ladder;

import java.util.Objects;

/**
 * A gate check that is not passing (failing, or its target cannot be observed): typically "the
 * provider is online". While it is closed, no level gentler than the level it escalates to
 * ({@code levelIndex}) starts: there is no point converging servers of a cloud that is down.
 */
public record Gate(String check, int levelIndex, String why) {
  public Gate {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(why, "why");
    if (levelIndex < 1) throw new IllegalArgumentException("level index starts at 1: " + levelIndex);
  }

  /** Whether this closed gate holds a step of {@code level}. */
  public boolean holds(Level level) {
    return level.index() > levelIndex;
  }
}

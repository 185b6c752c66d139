package dev.escalator.operator.ladder;

import java.util.Objects;

/** One level of a plan and the part of the environment it covers. */
public record PlannedStep(Level level, Selector selector) {
  public PlannedStep {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(selector, "selector");
  }
}

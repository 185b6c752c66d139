package dev.escalator.operator.ladder;

public enum StepState {
  PENDING,
  AWAITING_APPROVAL,
  RUNNING,
  /** The action succeeded; waiting the level's quiescence. */
  SETTLING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  /** Nothing to act on (no targets resolved). */
  SKIPPED;

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED || this == TIMED_OUT || this == SKIPPED;
  }
}

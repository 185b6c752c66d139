package dev.escalator.operator.ladder;

/** Where an environment stands in the escalation loop (see DESIGN.md). */
public enum Phase {
  /** No check is failing. */
  HEALTHY,
  /** A check is failing; waiting the global quiescence before acting. */
  QUIESCING,
  /** Running the plan's steps. */
  ESCALATING,
  /** The plan ran; waiting for the checks to pass. */
  VERIFYING,
  /** An attempt failed; waiting before the next one. */
  BACKING_OFF,
  /** Attempts at the ceiling are used up: no more action until checks pass, spec changes or a human resets. */
  EXHAUSTED
}

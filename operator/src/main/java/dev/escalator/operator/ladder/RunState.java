package dev.escalator.operator.ladder;

/** State of one target's run within a step. */
public enum RunState {
  /** Not started yet, or started but its handle not yet recorded (start again: actions are "ensure"). */
  STARTING,
  RUNNING,
  SUCCEEDED,
  FAILED
}

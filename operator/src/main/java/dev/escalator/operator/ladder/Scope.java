package dev.escalator.operator.ladder;

/** What a check observes or a level acts on. */
public enum Scope {
  ENVIRONMENT,
  TIER,
  NODE
}

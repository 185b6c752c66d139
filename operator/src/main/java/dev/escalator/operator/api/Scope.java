package dev.escalator.operator.api;

/** What a check observes or a level acts on: the whole environment, one tier, or one node. */
public enum Scope {
  Environment,
  Tier,
  Node
}

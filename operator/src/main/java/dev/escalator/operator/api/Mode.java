package dev.escalator.operator.api;

/** {@code Act} runs the ladder; {@code Observe} runs the checks and shows the plan it would run. */
public enum Mode {
  Act,
  Observe
}

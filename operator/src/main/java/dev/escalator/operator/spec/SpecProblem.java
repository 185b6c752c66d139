package dev.escalator.operator.spec;

/** One thing wrong with a spec: the field path (e.g. {@code spec.checks[2].escalatesTo}) and why. */
public record SpecProblem(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}

package dev.escalator.operator.check;

/**
 * A check cannot be expanded as written. {@link #field()} is the path in the Environment
 * (e.g. {@code spec.checks[2].http.url}) so status can point at the line to fix.
 */
public final class CheckSpecException extends IllegalArgumentException {
  private final String field;
  private final String problem;

  public CheckSpecException(String field, String problem, Throwable cause) {
    super(field + ": " + problem, cause);
    this.field = field;
    this.problem = problem;
  }

  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }
}

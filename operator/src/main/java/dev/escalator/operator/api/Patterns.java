package dev.escalator.operator.api;

/** Regular expressions shared by schema annotations and by the operator's own validation. */
public final class Patterns {
  /** Kubernetes-style duration: one or more number+unit pairs, e.g. {@code 30s}, {@code 1m30s}, {@code 500ms}. */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";
  /** DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric. */
  public static final String NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  private Patterns() {}
}

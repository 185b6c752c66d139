package dev.escalator.operator.spec;

import java.util.List;
import java.util.stream.Collectors;

/** The Environment cannot be acted on; the problems name each offending field. */
public class InvalidSpecException extends Exception {
  private final List<SpecProblem> problems;

  public InvalidSpecException(List<SpecProblem> problems) {
    super(problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public List<SpecProblem> problems() {
    return problems;
  }
}

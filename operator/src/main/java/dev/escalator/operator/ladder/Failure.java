package dev.escalator.operator.ladder;

import java.util.Objects;

/** A check target that crossed its failure threshold, and the level its failure requires. */
public record Failure(String check, Target target, String level) implements Comparable<Failure> {
  public Failure {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(level, "level");
  }

  @Override
  public int compareTo(Failure o) {
    int c = check.compareTo(o.check);
    return c != 0 ? c : target.compareTo(o.target);
  }

  @Override
  public String toString() {
    return check + " on " + target.key();
  }
}

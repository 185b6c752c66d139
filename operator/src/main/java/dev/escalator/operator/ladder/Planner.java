package dev.escalator.operator.ladder;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * From failing checks to a plan: the most drastic level any failure requires, then that level and
 * every gentler one after it.
 *
 * <p>Which targets a step covers: a failure takes part in every step at or after its own level
 * (its repair, then the gentler follow-ups that a repaired target needs, e.g. converge and deploy
 * after a VM was replaced), and in no step before it (a node whose service failed does not get its
 * VM recreated because another node's VM is down). When an escalation has climbed above every
 * failure's level ({@code floor}), failures count as if they required the floor level, so the
 * climbed level acts on the targets that kept failing.
 */
public final class Planner {
  private final Ladder ladder;

  public Planner(Ladder ladder) {
    this.ladder = ladder;
  }

  /** The 1-based index of the most drastic level the failures require, if any. */
  public OptionalInt requiredIndex(Collection<Failure> failures) {
    return failures.stream()
        .map(f -> ladder.find(f.level()))
        .flatMap(Optional::stream)
        .mapToInt(Level::index)
        .min();
  }

  /** The plan for the failures, or empty when nothing fails. */
  public Optional<Plan> plan(Collection<Failure> failures) {
    return plan(failures, OptionalInt.empty());
  }

  /**
   * The plan for the failures, starting no lower than {@code floor} when given (a retry or a
   * climb), or empty when nothing fails.
   */
  public Optional<Plan> plan(Collection<Failure> failures, OptionalInt floor) {
    List<Failure> known = new TreeSet<>(failures).stream().filter(f -> ladder.find(f.level()).isPresent()).toList();
    OptionalInt required = requiredIndex(known);
    if (required.isEmpty()) return Optional.empty();
    int start = floor.isPresent() ? Math.min(floor.getAsInt(), required.getAsInt()) : required.getAsInt();
    List<PlannedStep> steps = ladder.from(start).stream()
        .map(level -> new PlannedStep(level, selectorAt(level, known, floor)))
        .toList();
    return Optional.of(new Plan(ladder.at(start), steps, known));
  }

  private Selector selectorAt(Level level, List<Failure> failures, OptionalInt floor) {
    Selector selector = Selector.NONE;
    for (Failure f : failures) {
      int own = ladder.byName(f.level()).index();
      int effective = floor.isPresent() ? Math.min(own, floor.getAsInt()) : own;
      if (effective <= level.index()) selector = selector.union(Selector.of(f.target()));
    }
    return selector;
  }
}

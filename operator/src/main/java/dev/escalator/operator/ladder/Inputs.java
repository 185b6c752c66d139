package dev.escalator.operator.ladder;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the world looks like at one decision.
 *
 * @param failures check targets past their failure threshold (unknown results are not failures)
 * @param inventory the nodes known now, to resolve a starting step's targets
 * @param dryRun paused or Observe mode: plan and announce, but start nothing new
 * @param approvals values of the approve annotation: an escalation id, or {@code id/level}
 * @param reset value of the reset annotation, or null
 * @param specChanged the spec generation differs from the one last acted on
 * @param reports what the action layer found for the current step's runs, by target
 * @param gate the most drastic closed gate, or null when every gate check passes
 * @param holds storm guards holding new work back (see {@link Hold})
 * @param flapping those of {@code failures} that are flapping: they start no escalation, but an
 *     escalation in flight still counts them (it is not done while they fail)
 */
public record Inputs(
    Instant now,
    List<Failure> failures,
    List<Node> inventory,
    boolean dryRun,
    Set<String> approvals,
    String reset,
    boolean specChanged,
    Map<Target, RunReport> reports,
    Gate gate,
    List<Hold> holds,
    List<Failure> flapping) {

  public Inputs {
    Objects.requireNonNull(now, "now");
    failures = List.copyOf(failures);
    inventory = List.copyOf(inventory);
    approvals = Set.copyOf(approvals);
    reports = Map.copyOf(reports);
    holds = List.copyOf(holds);
    flapping = List.copyOf(flapping);
  }

  public Inputs(Instant now, List<Failure> failures, List<Node> inventory, boolean dryRun, Set<String> approvals, String reset,
      boolean specChanged, Map<Target, RunReport> reports, Gate gate) {
    this(now, failures, inventory, dryRun, approvals, reset, specChanged, reports, gate, List.of(), List.of());
  }

  public static Inputs at(Instant now, List<Failure> failures, List<Node> inventory) {
    return new Inputs(now, failures, inventory, false, Set.of(), null, false, Map.of(), null);
  }

  public Inputs withReports(Map<Target, RunReport> newReports) {
    return new Inputs(now, failures, inventory, dryRun, approvals, reset, specChanged, newReports, gate, holds, flapping);
  }

  public Inputs withDryRun(boolean value) {
    return new Inputs(now, failures, inventory, value, approvals, reset, specChanged, reports, gate, holds, flapping);
  }

  public Inputs withApprovals(Set<String> value) {
    return new Inputs(now, failures, inventory, dryRun, value, reset, specChanged, reports, gate, holds, flapping);
  }

  public Inputs withReset(String value) {
    return new Inputs(now, failures, inventory, dryRun, approvals, value, specChanged, reports, gate, holds, flapping);
  }

  public Inputs withSpecChanged(boolean value) {
    return new Inputs(now, failures, inventory, dryRun, approvals, reset, value, reports, gate, holds, flapping);
  }

  public Inputs withFailures(List<Failure> value) {
    return new Inputs(now, value, inventory, dryRun, approvals, reset, specChanged, reports, gate, holds, flapping);
  }

  public Inputs withGate(Gate value) {
    return new Inputs(now, failures, inventory, dryRun, approvals, reset, specChanged, reports, value, holds, flapping);
  }

  public Inputs withHolds(List<Hold> value) {
    return new Inputs(now, failures, inventory, dryRun, approvals, reset, specChanged, reports, gate, value, flapping);
  }

  /** The failures that may start an escalation: all but the flapping ones. */
  public List<Failure> triggers() {
    return flapping.isEmpty() ? failures : failures.stream().filter(f -> !flapping.contains(f)).toList();
  }

  public Inputs withInventory(List<Node> value) {
    return new Inputs(now, failures, value, dryRun, approvals, reset, specChanged, reports, gate, holds, flapping);
  }
}

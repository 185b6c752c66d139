package dev.escalator.operator.ladder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator-wide storm guard, shared by every environment's decisions:
 *
 * <ul>
 *   <li>a cap on escalations in flight, over all environments and per namespace: an environment
 *       that would start one past the cap waits in Quiescing, held;
 *   <li>a meltdown hold: when more than {@code meltdownPercent} of the known environments fail at
 *       once (and there are at least {@code meltdownMinEnvironments}), the monitoring or the network
 *       is the likelier culprit, and no escalation or step starts anywhere until the share drops.
 *       Only environments that have passed their checks before count: a fleet applied from nothing
 *       fails everywhere at first, and building it is no meltdown.
 * </ul>
 *
 * An escalation holds its slot from the decision that starts it to the one that ends it (Healthy,
 * or Exhausted, which does not act). Decisions go through {@link #decide} under one lock, so two
 * environments never take the last slot together. Slots live in memory: a restarted operator
 * re-learns them from each environment's recorded state as it reconciles, and an escalation
 * already in flight is never refused its slot (the cap may be exceeded then, never by a new start).
 */
public final class StormGuard {
  /**
   * @param maxConcurrent escalations in flight over all environments; 0 for no cap
   * @param maxConcurrentPerNamespace escalations in flight per namespace; 0 for no cap
   * @param meltdownPercent share of failing environments that holds everything; 100 turns it off
   * @param meltdownMinEnvironments fewer known environments are never a meltdown
   */
  public record Limits(int maxConcurrent, int maxConcurrentPerNamespace, int meltdownPercent, int meltdownMinEnvironments) {
    public Limits {
      if (maxConcurrent < 0 || maxConcurrentPerNamespace < 0) throw new IllegalArgumentException("caps must not be negative");
      if (meltdownPercent < 1 || meltdownPercent > 100) throw new IllegalArgumentException("meltdownPercent must be between 1 and 100");
      if (meltdownMinEnvironments < 1) throw new IllegalArgumentException("meltdownMinEnvironments must be at least 1");
    }

    public static Limits defaults() {
      return new Limits(10, 3, 50, 4);
    }
  }

  /** What the guard sees now, for metrics. */
  public record Snapshot(int environments, int failing, int inFlight, boolean meltdown) {}

  private record Key(String namespace, String name) {}

  private final Limits limits;
  private final Map<Key, Boolean> failing = new HashMap<>();
  private final Set<Key> slots = new HashSet<>();

  public StormGuard(Limits limits) {
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Decides for one environment with the guard's holds added to {@code in}'s: records whether it is
   * failing ({@code provenHealthy}: it has passed all its checks before, so it counts toward the
   * meltdown share), re-learns a slot for an escalation already in flight, and takes a slot for one the
   * decision starts (the cap's hold keeps the machine from starting one when none is free). A
   * decision that ends the escalation frees the slot.
   */
  public synchronized Decision decide(String namespace, String name, boolean provenHealthy, EscalationMachine machine, EnvironmentState state,
      Inputs in) {
    Key key = new Key(namespace, name);
    if (provenHealthy) failing.put(key, !in.failures().isEmpty());
    else failing.remove(key);
    if (inFlight(state)) slots.add(key);
    List<Hold> holds = new ArrayList<>(in.holds());
    holds.addAll(holds(key));
    Decision decision = machine.decide(state, in.withHolds(holds));
    if (inFlight(decision.state())) slots.add(key);
    else slots.remove(key);
    return decision;
  }

  /** The environment is gone or cannot be acted on: it counts no more, and frees its slot. */
  public synchronized void forget(String namespace, String name) {
    Key key = new Key(namespace, name);
    failing.remove(key);
    slots.remove(key);
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(failing.size(), failingCount(), slots.size(), meltdown().isPresent());
  }

  private List<Hold> holds(Key key) {
    List<Hold> out = new ArrayList<>(2);
    meltdown().ifPresent(out::add);
    if (!slots.contains(key)) cap(key).ifPresent(out::add);
    return out;
  }

  private Optional<Hold> meltdown() {
    int known = failing.size();
    int down = failingCount();
    if (limits.meltdownPercent() == 100 || known < limits.meltdownMinEnvironments()) return Optional.empty();
    if (down * 100L <= (long) limits.meltdownPercent() * known) return Optional.empty();
    return Optional.of(Hold.meltdown(down + " of " + known + " environments fail at once (more than " + limits.meltdownPercent()
        + "%): the monitoring or the network is the likelier cause, so no escalation or step starts anywhere until fewer fail"));
  }

  private Optional<Hold> cap(Key key) {
    if (limits.maxConcurrent() > 0 && slots.size() >= limits.maxConcurrent()) {
      return Optional.of(Hold.concurrency(slots.size() + " escalations are in flight, the operator's cap (" + limits.maxConcurrent()
          + "); this one starts when one of them ends"));
    }
    long inNamespace = slots.stream().filter(k -> k.namespace().equals(key.namespace())).count();
    if (limits.maxConcurrentPerNamespace() > 0 && inNamespace >= limits.maxConcurrentPerNamespace()) {
      return Optional.of(Hold.concurrency(inNamespace + " escalations are in flight in namespace " + key.namespace() + ", its cap ("
          + limits.maxConcurrentPerNamespace() + "); this one starts when one of them ends"));
    }
    return Optional.empty();
  }

  private int failingCount() {
    return (int) failing.values().stream().filter(Boolean::booleanValue).count();
  }

  private static boolean inFlight(EnvironmentState s) {
    return s.escalation() != null && (s.phase() == Phase.ESCALATING || s.phase() == Phase.VERIFYING || s.phase() == Phase.BACKING_OFF);
  }
}

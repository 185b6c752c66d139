package dev.escalator.operator.check;

import dev.escalator.operator.ladder.Flapping;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * Kubelet-style thresholds over one target's probe results.
 *
 * <ul>
 *   <li>Healthy is unknown (null) until a decisive streak: the first PASS makes it healthy at once
 *       (there is no earlier verdict to overturn, and a fresh operator should not report a working
 *       environment as unknown for several periods); {@code failureThreshold} consecutive FAILs make
 *       it failing, from unknown or from healthy.
 *   <li>Once failing, {@code successThreshold} consecutive PASSes make it healthy again.
 *   <li>ERROR (could not observe) is not evidence either way: it changes neither healthy nor the
 *       PASS/FAIL streaks, so "FAIL, ERROR, FAIL" is two consecutive failures. Only the message
 *       and {@link #lastOutcome()} show it.
 * </ul>
 *
 * {@link #lastTransitionTime()} is when healthy last changed value (including from unknown), read
 * from the injected clock. {@link Snapshot#changes()} keeps the instants of the last changes between
 * healthy and failing (not from unknown), oldest first, for flap damping. Thread-safe.
 */
public final class CheckHealth {
  static final String NOT_PROBED = "not probed yet";

  private final int failureThreshold;
  private final int successThreshold;
  private final Clock clock;

  private Boolean healthy;
  private String message = NOT_PROBED;
  private ProbeResult.Outcome lastOutcome;
  private Instant lastTransitionTime;
  private int consecutiveFailures;
  private int consecutiveSuccesses;
  private final ArrayDeque<Instant> changes = new ArrayDeque<>();

  public CheckHealth(int failureThreshold, int successThreshold, Clock clock) {
    if (failureThreshold < 1 || successThreshold < 1) throw new IllegalArgumentException("thresholds must be >= 1");
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A consistent view of the state. */
  public record Snapshot(
      Boolean healthy,
      String message,
      ProbeResult.Outcome lastOutcome,
      Instant lastTransitionTime,
      int consecutiveFailures,
      int consecutiveSuccesses,
      List<Instant> changes) {}

  /** Records one result; true when healthy or the message changed, i.e. when the verdict moved. */
  public synchronized boolean record(ProbeResult result) {
    Boolean healthyBefore = healthy;
    String messageBefore = message;
    switch (result.outcome()) {
      case PASS -> {
        consecutiveSuccesses++;
        consecutiveFailures = 0;
        if (healthy == null || (!healthy && consecutiveSuccesses >= successThreshold)) healthy = true;
      }
      case FAIL -> {
        consecutiveFailures++;
        consecutiveSuccesses = 0;
        if (consecutiveFailures >= failureThreshold) healthy = false;
      }
      case ERROR -> {
        // Not evidence: see the class comment.
      }
    }
    message = result.message();
    lastOutcome = result.outcome();
    if (!Objects.equals(healthyBefore, healthy)) {
      lastTransitionTime = clock.instant();
      if (healthyBefore != null) {
        if (changes.size() == Flapping.HISTORY) changes.removeFirst();
        changes.addLast(lastTransitionTime);
      }
    }
    return !Objects.equals(healthyBefore, healthy) || !message.equals(messageBefore);
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(healthy, message, lastOutcome, lastTransitionTime, consecutiveFailures, consecutiveSuccesses, List.copyOf(changes));
  }

  public synchronized Boolean healthy() {
    return healthy;
  }

  public synchronized String message() {
    return message;
  }

  public synchronized ProbeResult.Outcome lastOutcome() {
    return lastOutcome;
  }

  public synchronized Instant lastTransitionTime() {
    return lastTransitionTime;
  }

  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }

  public synchronized int consecutiveSuccesses() {
    return consecutiveSuccesses;
  }
}

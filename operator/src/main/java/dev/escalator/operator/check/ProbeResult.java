package dev.escalator.operator.check;

import java.util.Objects;

/**
 * The outcome of one probe execution.
 *
 * <ul>
 *   <li>{@code PASS}/{@code FAIL}: the target answered, well or badly; FAIL counts towards the
 *       check's failureThreshold.
 *   <li>{@code ERROR}: the probe could not observe the target at all (misconfiguration, the
 *       monitoring system itself unreachable, a tool missing). It never counts as a failure of the
 *       target, so no repair is started on a guess; it shows in status instead.
 * </ul>
 *
 * The message reaches status, so it must be the same text for the same outcome: no latencies, no
 * timestamps, never a secret.
 */
public record ProbeResult(Outcome outcome, String message) {
  public enum Outcome {
    PASS,
    FAIL,
    ERROR
  }

  public ProbeResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
  }

  public static ProbeResult pass(String message) {
    return new ProbeResult(Outcome.PASS, message);
  }

  public static ProbeResult fail(String message) {
    return new ProbeResult(Outcome.FAIL, message);
  }

  public static ProbeResult error(String message) {
    return new ProbeResult(Outcome.ERROR, message);
  }
}

package dev.escalator.operator.ladder;

import java.time.Duration;
import java.util.Objects;

/**
 * The environment-wide timers and limits of the state machine.
 *
 * @param ceilingIndex the most drastic level (1-based) an escalation may climb to by itself
 * @param maxPerHour escalations that may start in any hour (0: no limit); more wait in Quiescing
 */
public record Policy(
    Duration quiescence,
    int maxAttempts,
    Duration backoff,
    Duration maxBackoff,
    int ceilingIndex,
    Duration verifyTimeout,
    int historyLimit,
    int maxPerHour) {

  public Policy {
    Objects.requireNonNull(quiescence, "quiescence");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(verifyTimeout, "verifyTimeout");
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    if (ceilingIndex < 1) throw new IllegalArgumentException("ceilingIndex starts at 1");
    if (historyLimit < 1) throw new IllegalArgumentException("historyLimit must be at least 1");
    if (maxPerHour < 0 || maxPerHour > historyLimit) {
      throw new IllegalArgumentException("maxPerHour must be between 0 and the history limit (" + historyLimit + "), the record it counts");
    }
  }

  /** Without a rate limit. */
  public Policy(Duration quiescence, int maxAttempts, Duration backoff, Duration maxBackoff, int ceilingIndex, Duration verifyTimeout,
      int historyLimit) {
    this(quiescence, maxAttempts, backoff, maxBackoff, ceilingIndex, verifyTimeout, historyLimit, 0);
  }

  /** Wait before the attempt after {@code failedAttempt}: backoff doubled per attempt, capped. */
  public Duration backoffAfter(int failedAttempt) {
    Duration d = backoff;
    for (int i = 1; i < failedAttempt && d.compareTo(maxBackoff) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}

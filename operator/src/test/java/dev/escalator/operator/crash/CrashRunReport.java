package dev.escalator.operator.crash;

import java.time.Duration;
import java.util.List;

/**
 * What one run found.
 *
 * @param crashes where each crash landed: the effect it followed and the level status recorded as current
 * @param missed crash points the run finished before reaching
 * @param effects the operator's durable effects counted over the run
 * @param outcome the final state, e.g. {@code Healthy/Converged}
 * @param leaks resources beyond or short of what the spec declares, described
 * @param duplicates actions done more than once, described
 * @param resends webhook calls sent again with the same Idempotency-Key (allowed: the receiver de-duplicates)
 */
record CrashRunReport(long seed, List<CrashPoint> crashes, int missed, int effects, String outcome, List<String> leaks,
    List<String> duplicates, int resends, Duration took) {

  /**
   * A crash, right after {@code effect}, when status recorded {@code level} as the escalation's
   * current step ("none": no escalation recorded yet). The operator runs as many steps as it can in
   * one reconcile and records them at its end, so the recorded level may lag the effect's.
   */
  record CrashPoint(String effect, String level) {}

  boolean passed() {
    return WorkAudit.FINAL.contains(outcome) && leaks.isEmpty() && duplicates.isEmpty();
  }

  /** The run's findings and how to replay it. */
  String describe() {
    return "seed " + seed + " (replay: -Dcrash.seed=" + seed + " -Dcrash.runs=1): crashes " + crashes + ", outcome " + outcome
        + ", leaks " + leaks + ", duplicates " + duplicates;
  }
}

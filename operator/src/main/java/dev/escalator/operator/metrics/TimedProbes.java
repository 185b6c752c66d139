package dev.escalator.operator.metrics;

import dev.escalator.operator.check.CheckType;
import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.check.Probe;
import dev.escalator.operator.check.ProbeResult;
import java.util.Locale;

/**
 * Wraps every registered check type's probe so that each probe's duration is observed in {@code
 * escalator_probe_duration_seconds{type,outcome}}, without the probes or the scheduler knowing. The
 * time is the probe's own (not the wait for a concurrency permit).
 */
public final class TimedProbes {
  private TimedProbes() {}

  public static CheckTypes of(CheckTypes types, EscalatorMetrics metrics) {
    return new CheckTypes(types.types().stream().<CheckType<?>>map(t -> timed(t, metrics)).toList());
  }

  private static <S> CheckType<S> timed(CheckType<S> type, EscalatorMetrics metrics) {
    Probe<S> probe = type.probe();
    Probe<S> timed = (spec, timeout) -> {
      long start = System.nanoTime();
      String outcome = "error";
      try {
        ProbeResult result = probe.probe(spec, timeout);
        if (result != null) outcome = result.outcome().name().toLowerCase(Locale.ROOT);
        return result;
      } finally {
        metrics.probe(type.name(), outcome, (System.nanoTime() - start) / 1e9);
      }
    };
    return new CheckType<>(type.name(), type.specClass(), type.extractor(), timed, type.defaults());
  }
}

package dev.escalator.operator.check;

import java.time.Duration;

/**
 * One check type. {@code S} is the probe's spec (e.g. HttpProbeSpec), already templated for one
 * target. Implementations are thread-safe and stateless per call.
 */
public interface Probe<S> {
  /**
   * Runs one probe on the calling thread (a virtual thread) and returns within about
   * {@code timeout}. Failures of the target are results, not exceptions.
   */
  ProbeResult probe(S spec, Duration timeout);
}

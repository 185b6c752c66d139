package dev.escalator.operator.check;

import dev.escalator.operator.api.CheckSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One registered check type: its name (also the CheckSpec field that holds its spec), its spec class,
 * how to find its spec in a CheckSpec, the probe that runs it, and spec defaults that depend on
 * where the check runs (e.g. the Environment's namespace).
 */
public record CheckType<S>(
    String name, Class<S> specClass, Function<CheckSpec, S> extractor, Probe<S> probe, Defaults<S> defaults) {

  /** Fills in a templated spec's context-dependent defaults; may modify and return the given spec. */
  @FunctionalInterface
  public interface Defaults<S> {
    S apply(S spec, Map<String, String> variables);
  }

  public CheckType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(specClass, "specClass");
    Objects.requireNonNull(extractor, "extractor");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(defaults, "defaults");
  }

  public CheckType(String name, Class<S> specClass, Function<CheckSpec, S> extractor, Probe<S> probe) {
    this(name, specClass, extractor, probe, (spec, variables) -> spec);
  }

  /** This type's spec in the check, or null when the check is of another type. */
  public S specOf(CheckSpec check) {
    return extractor.apply(check);
  }

  /** Runs the probe on a spec this type produced; the cast fails loudly on a foreign spec. */
  public ProbeResult run(Object spec, Duration timeout) {
    return probe.probe(specClass.cast(spec), timeout);
  }
}

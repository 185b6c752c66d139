package dev.escalator.operator.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.escalator.operator.ladder.Target;
import java.time.Duration;
import java.util.Objects;

/**
 * One check, expanded for one target and templated: what the scheduler runs. Equality compares the
 * spec by its JSON form, because the CRD spec classes have no equals of their own; the scheduler
 * relies on it to keep the state of a check whose definition did not change.
 */
public record ScheduledCheck(
    String checkName,
    Target target,
    String level,
    String type,
    Object spec,
    Duration period,
    Duration timeout,
    int failureThreshold,
    int successThreshold) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ScheduledCheck {
    Objects.requireNonNull(checkName, "checkName");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(timeout, "timeout");
    if (period.isNegative() || period.isZero()) throw new IllegalArgumentException("period must be positive");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    if (failureThreshold < 1 || successThreshold < 1) throw new IllegalArgumentException("thresholds must be >= 1");
  }

  /** Identity within an environment: the same check on the same target. */
  public String key() {
    return checkName + " " + target.key();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScheduledCheck c
        && checkName.equals(c.checkName)
        && target.equals(c.target)
        && level.equals(c.level)
        && type.equals(c.type)
        && period.equals(c.period)
        && timeout.equals(c.timeout)
        && failureThreshold == c.failureThreshold
        && successThreshold == c.successThreshold
        && spec.getClass() == c.spec.getClass()
        && JSON.valueToTree(spec).equals(JSON.valueToTree(c.spec));
  }

  @Override
  public int hashCode() {
    return Objects.hash(checkName, target, level, type, period, timeout, failureThreshold, successThreshold,
        JSON.valueToTree(spec));
  }
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetalTimeoutsSpec {
  @Default("30s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("One BMC call (an HTTP request, one ipmitool run).")
  public String bmcCall = "30s";

  @Default("5m")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("A power change, from the call until the BMC reports the new state; also how long an unreachable BMC is retried.")
  public String power = "5m";

  @Default("30m")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("A (re)installation, from the reset until the host is back.")
  public String provision = "30m";
}

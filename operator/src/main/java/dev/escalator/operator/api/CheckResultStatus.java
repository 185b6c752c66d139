package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckResultStatus {
  public String name;

  @JsonPropertyDescription("environment, tier/<tier> or node/<tier>/<node>.")
  public String target;

  @JsonPropertyDescription("True healthy, False failing (crossed failureThreshold), absent while unknown.")
  public Boolean healthy;

  public String level;

  public String message;

  @JsonPropertyDescription("When healthy last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription("True while the verdict keeps changing (spec.escalation.flapDamping): its failures start no escalation.")
  public Boolean flapping;
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostClaimStatus {
  @JsonPropertyDescription("Name of the Environment (same namespace) holding the host.")
  public String environment;

  @JsonPropertyDescription("UID of that Environment: a new Environment of the same name does not inherit the claim.")
  public String environmentUID;

  @JsonPropertyDescription("Tier of the node the host fills.")
  public String tier;

  @JsonPropertyDescription("Name of the node the host fills.")
  public String node;

  @JsonPropertyDescription("The escalation run (work name) that claimed the host, so that run finds it again after a restart.")
  public String run;

  @JsonPropertyDescription("When the claim was made (RFC 3339).")
  public String claimedAt;
}

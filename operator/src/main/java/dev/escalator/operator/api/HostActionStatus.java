package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostActionStatus {
  @JsonPropertyDescription("PowerCycle, Reprovision, Provision or Retire.")
  public String action;

  @JsonPropertyDescription("The escalation run (work name) the action belongs to.")
  public String run;

  @JsonPropertyDescription("The step in progress (e.g. SetBootOnce, Reset, AwaitPowerOn), or Done.")
  public String step;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  public String outcome;

  @JsonPropertyDescription("What happened, for humans: the BMC call and its answer. Never a secret.")
  public String message;

  @JsonPropertyDescription("The Redfish task monitor of the step's call, while the BMC works on it.")
  public String taskMonitor;

  @JsonPropertyDescription("Steps done so far, in order.")
  public java.util.List<String> stepsDone;

  public String startedAt;
  public String stepStartedAt;
  public String finishedAt;
}

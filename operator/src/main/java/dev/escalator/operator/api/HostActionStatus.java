package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostActionStatus {
  @JsonPropertyDescription("PowerCycle, Reprovision, Provision or Retire.")
  public String action;

  @JsonPropertyDescription("The escalation run (work name) the action belongs to.")
  public String run;

  @JsonPropertyDescription("Why the action was started (which node, attempt, or the host it replaces).")
  public String reason;

  @JsonPropertyDescription("The step in progress (e.g. SetBootOnce, Reset, AwaitPowerOn), or Done.")
  public String step;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  public String outcome;

  @JsonPropertyDescription("What happened, for humans: the BMC call and its answer. Never a secret.")
  public String message;

  @JsonPropertyDescription("The Redfish task monitor of the step's call, while the BMC works on it.")
  public String taskMonitor;

  @JsonPropertyDescription("The action's steps, in order.")
  public List<String> steps;

  @JsonPropertyDescription("Steps done so far, in order, each with the BMC call that did it.")
  public List<String> stepsDone;

  public String startedAt;
  public String stepStartedAt;
  public String finishedAt;
}

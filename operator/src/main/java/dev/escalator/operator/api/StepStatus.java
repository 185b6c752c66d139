package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepStatus {
  public String level;
  public SelectorStatus selector;

  @JsonPropertyDescription("One run per target resolved when the step started.")
  public List<RunStatus> runs;

  @JsonPropertyDescription("Pending, AwaitingApproval, Running, Settling, Succeeded, Failed, TimedOut or Skipped.")
  public String state;

  public String startedAt;
  public String finishedAt;
  public String settleUntil;

  public String message;
}

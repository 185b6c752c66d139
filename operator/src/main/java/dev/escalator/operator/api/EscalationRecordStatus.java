package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EscalationRecordStatus {
  public String id;

  @JsonPropertyDescription("Converged, Recovered (checks passed with no action), Exhausted or Cancelled.")
  public String outcome;

  public String startedAt;
  public String finishedAt;
  public String startLevel;
  public int attempts;
  public List<FailureStatus> trigger = new ArrayList<>();

  @JsonPropertyDescription("Levels run, in order, with their outcome, e.g. converge:Succeeded.")
  public List<String> steps = new ArrayList<>();

  public String message;
}

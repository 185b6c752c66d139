package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStatus {
  @JsonPropertyDescription("The plan in one line, e.g. one-vm[node/web/web-1] -> converge[node/web/web-1] -> deploy[all].")
  public String summary;

  public String startLevel;
  public List<FailureStatus> trigger = new ArrayList<>();
  public List<StepStatus> steps = new ArrayList<>();
}

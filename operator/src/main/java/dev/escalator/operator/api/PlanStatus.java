package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStatus {
  public String startLevel;
  public List<FailureStatus> trigger = new ArrayList<>();
  public List<StepStatus> steps = new ArrayList<>();
}

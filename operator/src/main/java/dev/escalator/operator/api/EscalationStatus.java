package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EscalationStatus {
  public String id;
  public String startedAt;

  @JsonPropertyDescription("The failing checks and targets that started this escalation.")
  public List<FailureStatus> trigger = new ArrayList<>();

  @JsonPropertyDescription("The most drastic level of the current attempt's plan.")
  public String startLevel;

  @JsonPropertyDescription("Attempt number at startLevel, from 1.")
  public int attempt;

  @JsonPropertyDescription("Index into steps of the step in progress.")
  public int currentStep;

  public String nextAttemptAt;
  public String verifyUntil;

  public List<StepStatus> steps = new ArrayList<>();
}

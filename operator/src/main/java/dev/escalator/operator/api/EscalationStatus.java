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

  @JsonPropertyDescription("1-based ladder index of startLevel.")
  public int startLevelIndex;

  @JsonPropertyDescription("Attempt number at startLevel, from 1.")
  public int attempt;

  @JsonPropertyDescription("Attempts made so far in this escalation, over all levels.")
  public int attemptsTotal;

  @JsonPropertyDescription("Set once the escalation climbed: later attempts start no lower than this ladder index.")
  public Integer floor;

  @JsonPropertyDescription("Index into steps of the step in progress.")
  public int currentStep;

  public String nextAttemptAt;
  public String verifyUntil;

  public List<StepStatus> steps = new ArrayList<>();
}

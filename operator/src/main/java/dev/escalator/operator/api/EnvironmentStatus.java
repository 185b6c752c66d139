package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed and did. Everything the operator needs to resume after a restart
 * (the state machine's phase, the escalation in flight and each step's handle) lives here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvironmentStatus {
  public Long observedGeneration;

  @JsonPropertyDescription("Summary for humans and printer columns, derived from the conditions and the escalation state: Healthy, Quiescing, Escalating, PendingApproval, Verifying, BackingOff, Exhausted, Paused, Observing, Invalid or Pending.")
  public String phase;

  @JsonPropertyDescription("The state machine's own phase (Healthy, Quiescing, Escalating, Verifying, BackingOff, Exhausted), from which the operator resumes; phase is the view for humans.")
  public String machinePhase;

  @JsonPropertyDescription("The level the escalation in flight is at.")
  public String level;

  @JsonPropertyDescription("Healthy check targets over all check targets, e.g. 4/5.")
  public String healthyChecks;

  public String lastEscalationTime;

  @JsonPropertyDescription("When the state machine entered its current phase (RFC 3339).")
  public String phaseSince;

  @JsonPropertyDescription("Number of escalations started so far; the next escalation id derives from it.")
  public long escalationCounter;

  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Health of every check target.")
  public List<CheckResultStatus> checks = new ArrayList<>();

  @JsonPropertyDescription("The escalation in flight, if any.")
  public EscalationStatus escalation;

  @JsonPropertyDescription("In Observe mode or while paused: the plan that would run now.")
  public PlanStatus proposedPlan;

  @JsonPropertyDescription("When all checks first passed (RFC 3339). Environments that never passed are being built: they do not count toward the meltdown share.")
  public String firstHealthyTime;

  @JsonPropertyDescription("What the operator last told without acting (a plan in Observe mode, a hold, a rate limit), so that it is told once.")
  public String announced;

  @JsonPropertyDescription("Recent finished escalations, newest first (bounded).")
  public List<EscalationRecordStatus> history = new ArrayList<>();

  @JsonPropertyDescription("The nodes the environment holds, as last observed.")
  public List<NodeStatus> inventory = new ArrayList<>();

  @JsonPropertyDescription("Provider endpoints the environment's levels and checks call, with their circuit breaker state.")
  public List<ProviderStatus> providers = new ArrayList<>();
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EscalationPolicySpec {
  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Attempts at the same starting level before climbing one level up the ladder.")
  public int maxAttempts = 3;

  @Default("30s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("Wait before the second attempt; doubled for each further attempt, up to maxBackoff.")
  public String backoff = "30s";

  @Default("10m")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("Upper bound of the wait between attempts.")
  public String maxBackoff = "10m";

  @Default("6")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription("Escalations that may start in any hour; more wait, with a RateLimited Event, until the oldest is an hour old. 0 means no limit.")
  public int maxPerHour = 6;

  @JsonPropertyDescription("Flap damping: a check target whose verdict keeps changing starts no escalation until it holds steady.")
  public FlapDampingSpec flapDamping = new FlapDampingSpec();

  @JsonPropertyDescription("Node-scoped levels wait while more than a share of a tier's nodes fail at once.")
  public TierHoldSpec tierHold = new TierHoldSpec();

  @JsonPropertyDescription("Name of the most drastic level an escalation may climb to by itself; when attempts there are used up the environment is Exhausted and a human is called. Defaults to the first level.")
  public String ceiling;

  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("How long after the last level's quiescence the checks may take to pass before the attempt counts as failed. Defaults to spec.quiescence.")
  public String verifyTimeout;
}

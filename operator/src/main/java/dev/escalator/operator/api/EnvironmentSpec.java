package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.ladder.all(l, self.ladder.exists_one(m, m.name == l.name))",
    message = "level names in spec.ladder must be unique")
@ValidationRule(
    value = "!has(self.checks) || self.checks.all(c, self.checks.exists_one(d, d.name == c.name))",
    message = "check names in spec.checks must be unique")
@ValidationRule(
    value = "!has(self.checks) || self.checks.all(c, self.ladder.exists(l, l.name == c.escalatesTo))",
    message = "every check's escalatesTo must name a level of spec.ladder")
@ValidationRule(
    value = "!has(self.escalation) || !has(self.escalation.ceiling) || self.ladder.exists(l, l.name == self.escalation.ceiling)",
    message = "spec.escalation.ceiling must name a level of spec.ladder")
@ValidationRule(
    value = "!has(self.tiers) || self.tiers.all(t, self.tiers.exists_one(u, u.name == t.name))",
    message = "tier names in spec.tiers must be unique")
public class EnvironmentSpec {
  @Required
  @Size(min = 1, max = 20)
  @JsonPropertyDescription("The escalation ladder, most drastic level first. A failing check starts the level it escalatesTo; that level and every gentler one after it run in order.")
  public List<LevelSpec> ladder = new ArrayList<>();

  @Size(max = 100)
  @JsonPropertyDescription("Health checks: what must be observably true for the environment to be working.")
  public List<CheckSpec> checks = new ArrayList<>();

  @Default("30s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("How long failures must persist, once a check crosses its failureThreshold, before an escalation starts.")
  public String quiescence = "30s";

  @Size(max = 20)
  @JsonPropertyDescription("Tiers (roles) the environment needs and how many nodes fill each; provider levels create their nodes, named <tier>-1..<tier>-<size>.")
  public List<TierSpec> tiers = new ArrayList<>();

  @JsonPropertyDescription("Infrastructure providers that provider levels and checks act on.")
  public ProviderSpec provider;

  @JsonPropertyDescription("Where the environment's nodes come from.")
  public InventorySpec inventory;

  @JsonPropertyDescription("Retries, backoff and the highest level an escalation may climb to.")
  public EscalationPolicySpec escalation;

  @Default("false")
  @JsonPropertyDescription("When true, checks run and the plan is shown, but no new action starts. An action already running is never aborted.")
  public boolean paused;

  @Default("Act")
  @JsonPropertyDescription("Act runs the ladder; Observe runs the checks and shows the plan that would run, without acting.")
  public Mode mode = Mode.Act;
}

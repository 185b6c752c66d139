package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class LevelSpec {
  @Required
  @Pattern(Patterns.NAME)
  @Size(max = 63)
  @JsonPropertyDescription("Unique name of the level, referenced by checks' escalatesTo.")
  public String name;

  @Required
  @JsonPropertyDescription("What the action acts on: Environment (once), Tier (each affected tier) or Node (each affected node).")
  public Scope scope;

  @Default("30s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("Wait after this level's action succeeded before anything else is done.")
  public String quiescence = "30s";

  @Default("10m")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("Longest time the action may run before the step counts as failed.")
  public String timeout = "10m";

  @Default("false")
  @JsonPropertyDescription("When true the level waits for the annotation escalator.dev/approve=<escalation-id> (or <escalation-id>/<level>) before it runs.")
  public boolean requiresApproval;

  @Required
  @JsonPropertyDescription("The repair this level carries out.")
  public ActionSpec action;
}

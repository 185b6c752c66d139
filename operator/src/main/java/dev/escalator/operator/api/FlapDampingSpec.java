package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Flap damping: a check target that keeps changing its verdict starts no escalation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlapDampingSpec {
  @Default("4")
  @Min(0)
  @Max(20)
  @JsonPropertyDescription("Verdict changes (failing to passing or back) a check target may make within window; one more and it is flapping. 0 turns flap damping off.")
  public int maxChanges = 4;

  @Default("10m")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("The window changes are counted in; a flapping target is stable again once its verdict held for a whole window.")
  public String window = "10m";
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The per-tier storm guard: node-level repairs wait while too many of a tier's nodes fail at once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TierHoldSpec {
  @Default("50")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Share of a tier's nodes, in percent, that may fail node-scoped checks at once; with more failing, node-scoped levels wait (Held, reason TierFailing). 100 turns the guard off.")
  public int maxFailingPercent = 50;

  @Default("3")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Tiers with fewer nodes are not held: one of two nodes failing is not a pattern.")
  public int minNodes = 3;
}

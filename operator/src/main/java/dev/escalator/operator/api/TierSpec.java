package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A tier (role) the environment needs, and how many nodes fill it. Its nodes are named
 * {@code <tier>-1} .. {@code <tier>-<size>}; they exist in the inventory from the start, so checks
 * and levels see them even before a provider has created them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TierSpec {
  @Required
  @Pattern(Patterns.NAME)
  @Size(max = 40)
  public String name;

  @Required
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Number of nodes in the tier.")
  public int size;

  @JsonPropertyDescription("How the tier's servers are built on OpenStack.")
  public OpenStackTierSpec openstack;
}

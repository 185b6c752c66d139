package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Builds a tier from its spec.tiers[].openstack declaration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackTierActionSpec {
  @Default("false")
  @JsonPropertyDescription("Delete and recreate servers of the tier that exist but are not ACTIVE (ERROR, SHUTOFF); by default they are left for the server level.")
  public boolean replaceUnhealthy;
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * Observes the environment's OpenStack cloud ({@code spec.provider.openstack}). An unreachable or
 * failing API is ERROR (never a reason to act); what the API answers is PASS or FAIL.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackProbeSpec {
  @Required
  @JsonPropertyDescription("Online: the environment's project accepts a token and its catalog has compute and network endpoints (FAIL when the project is missing or refuses the credentials). Network: the core network, subnet and router with gateway exist. Server: the node's server exists and is ACTIVE (Node scope).")
  public Resource resource;

  // Filled in by the operator for each target (CheckType defaults); not part of the CRD.
  @JsonIgnore public String namespace;
  @JsonIgnore public String environment;
  @JsonIgnore public String tier;
  @JsonIgnore public String node;

  public enum Resource {
    Online,
    Network,
    Server
  }
}

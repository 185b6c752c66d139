package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A level acting on the environment's OpenStack cloud ({@code spec.provider.openstack}). Exactly one
 * of the four resources is set; each is an "ensure": it looks up what exists (by name and
 * {@code escalator.dev/*} metadata) before creating, and is safe to run twice or after a crash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.project), has(self.network), has(self.tier), has(self.server)].filter(x, x).size() == 1",
    message = "exactly one of project, network, tier, server must be set")
public class OpenStackActionSpec {
  @JsonPropertyDescription("Ensure the environment's Keystone project (and optionally a user with a role in it, and quotas). Needs credentials allowed to create projects. Environment scope.")
  public OpenStackProjectActionSpec project;

  @JsonPropertyDescription("Ensure the core network, subnet, router with external gateway, and security group. Environment scope.")
  public OpenStackNetworkActionSpec network;

  @JsonPropertyDescription("Ensure the tier's network (when the tier declares a cidr), server group and all its servers, waiting until they are ACTIVE with addresses. Tier scope.")
  public OpenStackTierActionSpec tier;

  @JsonPropertyDescription("Repair one node's server: reboot, then rebuild, then recreate, one strategy per attempt. Node scope.")
  public OpenStackServerActionSpec server;
}

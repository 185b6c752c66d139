package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A tier's servers on OpenStack. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackTierSpec {
  @Required
  @JsonPropertyDescription("Flavor name or id.")
  public String flavor;

  @Required
  @JsonPropertyDescription("Image name or id.")
  public String image;

  @JsonPropertyDescription("Key pair name injected into the servers.")
  public String keyPair;

  @Size(max = 65535)
  @JsonPropertyDescription("cloud-init user data. May use ${environment}, ${tier} and ${node.name}.")
  public String userData;

  @Pattern("^[0-9.]+/[0-9]+$")
  @JsonPropertyDescription("When set, the tier gets its own network and subnet with this CIDR, attached to the environment's router; otherwise servers join the environment's core network.")
  public String cidr;

  @Default("soft-anti-affinity")
  @Pattern("^(affinity|anti-affinity|soft-affinity|soft-anti-affinity)$")
  @JsonPropertyDescription("Policy of the tier's server group.")
  public String serverGroupPolicy = "soft-anti-affinity";
}

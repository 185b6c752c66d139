package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** An ICMP echo (ping); see docs for what the operator's pod needs to send one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IcmpProbeSpec {
  @Required
  @JsonPropertyDescription("Host name or address to ping, e.g. ${node.address}.")
  public String host;
}

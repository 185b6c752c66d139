package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BareMetalHostSpec {
  @Required
  @JsonPropertyDescription("How to reach the host's baseboard management controller.")
  public BmcSpec bmc;

  @Pattern("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$")
  @JsonPropertyDescription("MAC address of the NIC the host network-boots from (its DHCP reservation gives the host its address).")
  public String bootMACAddress;

  @Size(max = 253)
  @JsonPropertyDescription("The host's address once provisioned (IP or DNS name): what becomes node.address when the host fills a node.")
  public String address;

  @Required
  @Pattern(Patterns.NAME)
  @JsonPropertyDescription("Pool the host belongs to; metal levels claim spares and tier hosts from one pool.")
  public String pool;

  @JsonPropertyDescription("Free-form labels a metal level's hostSelector can match (e.g. rack, cpu, disk).")
  public Map<String, String> labels;

  @JsonPropertyDescription("How the host is (re)installed.")
  public HostProvisioningSpec provisioning;
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackNetworkActionSpec {
  @Default("10.0.0.0/24")
  @Pattern("^[0-9.]+/[0-9]+$")
  @JsonPropertyDescription("CIDR of the environment's core subnet.")
  public String cidr = "10.0.0.0/24";

  @Size(max = 5)
  public List<String> dnsNameservers = new ArrayList<>();

  @Size(max = 50)
  @JsonPropertyDescription("Ingress rules of the environment's security group (egress is open, as by default).")
  public List<SecurityRuleSpec> ingress = new ArrayList<>();
}

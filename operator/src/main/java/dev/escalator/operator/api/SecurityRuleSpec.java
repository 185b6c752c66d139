package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecurityRuleSpec {
  @Default("tcp")
  @Pattern("^(tcp|udp|icmp)$")
  public String protocol = "tcp";

  @Min(1)
  @Max(65535)
  public Integer portMin;

  @Min(1)
  @Max(65535)
  public Integer portMax;

  @Default("0.0.0.0/0")
  @Pattern("^[0-9a-fA-F.:]+/[0-9]+$")
  @JsonPropertyDescription("Source CIDR.")
  public String remoteIpPrefix = "0.0.0.0/0";
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BmcSpec {
  @Required
  @Size(min = 1, max = 512)
  @JsonPropertyDescription("redfish: the service's base URL (https://10.0.0.5 or https://bmc-7:8443), optionally with the system's path (https://10.0.0.5/redfish/v1/Systems/1). ipmi: host or host:port (UDP, default 623).")
  public String address;

  @Required
  @JsonPropertyDescription("redfish (DMTF Redfish over HTTPS) or ipmi (IPMI 2.0 lanplus through ipmitool).")
  public BmcProtocol protocol;

  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Name of a Secret in the host's namespace with the keys username and password. Never logged, never in status.")
  public String credentialsSecret;

  @Default("false")
  @JsonPropertyDescription("redfish: accept any TLS certificate and host name (self-signed BMC certificates). Off by default.")
  public boolean insecureSkipVerify;
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How the operator sees one provider endpoint the environment uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProviderStatus {
  @JsonPropertyDescription("Provider type, e.g. openstack.")
  public String type;

  @JsonPropertyDescription("The endpoint calls go to (e.g. the Keystone URL); never credentials.")
  public String endpoint;

  @JsonPropertyDescription("Circuit breaker: CLOSED (calls flow), OPEN (the endpoint kept failing; calls paused), HALF_OPEN (probing).")
  public String circuit;

  public ProviderStatus() {}

  public ProviderStatus(String type, String endpoint, String circuit) {
    this.type = type;
    this.endpoint = endpoint;
    this.circuit = circuit;
  }
}

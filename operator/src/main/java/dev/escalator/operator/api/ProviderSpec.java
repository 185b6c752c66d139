package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The infrastructure providers the environment's provider levels and checks act on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProviderSpec {
  @JsonPropertyDescription("An OpenStack cloud, reached with credentials from a clouds.yaml held in a Secret.")
  public OpenStackCloudSpec openstack;
}

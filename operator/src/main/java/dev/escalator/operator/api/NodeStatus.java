package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
  public String name;
  public String tier;
  public String address;
  public String providerId;
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeSpec {
  @Required
  @Pattern(Patterns.NAME)
  @Size(max = 63)
  public String name;

  @Required
  @Pattern(Patterns.NAME)
  public String tier;

  @Required
  @Size(max = 253)
  public String address;

  public NodeSpec() {}

  public NodeSpec(String name, String tier, String address) {
    this.name = name;
    this.tier = tier;
    this.address = address;
  }
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.kind in ['Deployment', 'StatefulSet', 'DaemonSet']",
    message = "kind must be Deployment, StatefulSet or DaemonSet")
public class RolloutRestartActionSpec {
  @Required
  @JsonPropertyDescription("Deployment, StatefulSet or DaemonSet.")
  public String kind;

  @Required
  @JsonPropertyDescription("Name of the workload. May use ${environment}, ${tier} and ${node.name} templates.")
  public String name;

  @JsonPropertyDescription("Namespace of the workload; defaults to the Environment's namespace.")
  public String namespace;
}

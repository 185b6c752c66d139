package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Healthy when the workload has at least minReady ready replicas (default: all desired). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.kind in ['Deployment', 'StatefulSet', 'DaemonSet']",
    message = "kind must be Deployment, StatefulSet or DaemonSet")
public class KubernetesProbeSpec {
  @Required
  public String kind;

  @Required
  public String name;

  @JsonPropertyDescription("Defaults to the Environment's namespace.")
  public String namespace;

  @Min(0)
  @JsonPropertyDescription("Ready replicas required; defaults to the desired replica count (and at least 1).")
  public Integer minReady;
}

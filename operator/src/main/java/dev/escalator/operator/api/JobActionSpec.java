package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobActionSpec {
  @Required
  @PreserveUnknownFields
  @SchemaFrom(type = Object.class)
  @JsonPropertyDescription("Pod template of the Job (as in a Job's spec.template). Its containers receive ESCALATOR_ENVIRONMENT, ESCALATOR_NAMESPACE, ESCALATOR_LEVEL, ESCALATOR_ESCALATION_ID, ESCALATOR_ATTEMPT, ESCALATOR_TARGET and, for tier and node targets, ESCALATOR_TIER, ESCALATOR_NODE_NAME and ESCALATOR_NODE_ADDRESS.")
  public PodTemplateSpec template;

  @Default("0")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription("Pod retries inside the Job before it counts as failed.")
  public int backoffLimit = 0;

  @Default("86400")
  @Min(0)
  @JsonPropertyDescription("Seconds a finished Job is kept before Kubernetes deletes it.")
  public int ttlSecondsAfterFinished = 86400;
}

package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one action type is set. New types are new fields here plus one registered provider. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.rolloutRestart), has(self.job), has(self.webhook), has(self.openstack), has(self.metal)].filter(x, x).size() == 1",
    message = "exactly one action type must be set")
public class ActionSpec {
  @JsonPropertyDescription("Restart a Deployment, StatefulSet or DaemonSet the way `kubectl rollout restart` does, and wait for the rollout.")
  public RolloutRestartActionSpec rolloutRestart;

  @JsonPropertyDescription("Run a Job from a pod template; the step succeeds when the Job succeeds.")
  public JobActionSpec job;

  @JsonPropertyDescription("Call an HTTP endpoint (AWX, Rundeck, Jenkins...), optionally polling a status URL until completion.")
  public WebhookActionSpec webhook;

  @JsonPropertyDescription("Act on the environment's OpenStack cloud (spec.provider.openstack): project, network, tier or server.")
  public OpenStackActionSpec openstack;

  @JsonPropertyDescription("Bare metal: power-cycle, reprovision or replace the failing node's host (Node scope), or claim and provision a tier's hosts (Tier scope).")
  public MetalActionSpec metal;
}

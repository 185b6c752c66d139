package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator knows of a host. Claims live here, written with the object's resourceVersion,
 * so two environments racing for one host cannot both win: the second write is refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BareMetalHostStatus {
  @JsonPropertyDescription("available (in the pool), claimed (held, not yet provisioned), provisioning, provisioned (serving a node), powering (power-cycling), failed (retired; a human returns it to the pool).")
  public HostState state;

  @JsonPropertyDescription("The environment and node holding this host; absent while available.")
  public HostClaimStatus claimedBy;

  @JsonPropertyDescription("What the operator last did to the host, step by step; a restarted operator resumes from it.")
  public HostActionStatus lastAction;

  @JsonPropertyDescription("Earlier actions, newest first (at most 10).")
  public List<HostActionStatus> history = new ArrayList<>();

  @JsonPropertyDescription("Power state the BMC last reported (On, Off, PoweringOn, PoweringOff).")
  public String powerState;

  @JsonPropertyDescription("Claimed and Ready, per the Kubernetes API conventions.")
  public List<Condition> conditions = new ArrayList<>();

  /** Lifecycle of a host in a pool. Lower case, as Metal3 writes provisioning states. */
  public enum HostState {
    available,
    claimed,
    provisioning,
    provisioned,
    powering,
    failed
  }
}

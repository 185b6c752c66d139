package dev.escalator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bare metal hosts (BareMetalHost resources in the Environment's namespace). Node scope repairs
 * the host filling the node, more drastically with each attempt (a node without a host gets one
 * from the pool); Tier scope claims and provisions a host for every node of the tier declared in
 * spec.tiers. Either way the hosts' addresses become the nodes' addresses in status.inventory.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetalActionSpec {
  @Required
  @Pattern(Patterns.NAME)
  @JsonPropertyDescription("BareMetalHost spec.pool to claim spare and tier hosts from.")
  public String pool;

  @JsonPropertyDescription("Only hosts whose spec.labels contain all of these are claimed.")
  public Map<String, String> hostSelector;

  @Default("[\"powerCycle\", \"reprovision\", \"replace\"]")
  @Size(min = 1, max = 3)
  @JsonPropertyDescription("Node scope: the repair for each attempt, gentlest first; attempt n uses entry n (the last one for later attempts). Default: powerCycle, reprovision, replace.")
  public List<Strategy> strategy = new ArrayList<>(List.of(Strategy.powerCycle, Strategy.reprovision, Strategy.replace));

  @JsonPropertyDescription("Where hosts boot from, once, to be (re)installed. Defaults to the host's spec.provisioning.bootTarget.")
  public HostProvisioningSpec.BootTarget bootTarget;

  @Pattern("^https?://.+")
  @JsonPropertyDescription("Installer image URL for virtualMedia; defaults to the host's spec.provisioning.image.")
  public String image;

  @JsonPropertyDescription("How long each part may take before the step fails.")
  public MetalTimeoutsSpec timeouts;

  /** What a Node scoped metal level does to the failing node's host. */
  public enum Strategy {
    /** Force off, wait for Off, power on, wait for On. */
    powerCycle,
    /** One-time boot override to PXE or virtual media, reset, wait until the host is back. */
    reprovision,
    /** Claim a spare from the pool, provision it, retire the broken host as failed. */
    replace
  }
}

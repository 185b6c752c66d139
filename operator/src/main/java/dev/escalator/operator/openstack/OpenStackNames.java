package dev.escalator.operator.openstack;

import dev.escalator.operator.template.Hashes;
import java.util.Map;

/**
 * Deterministic names and metadata of what the provider creates for one environment: looking them
 * up before creating is what makes every level an "ensure". Names start with {@code esc-<namespace>-
 * <environment>} (shortened with a hash past 48 characters), so environments sharing a project never
 * collide; servers also carry {@code escalator.dev:*} metadata.
 */
public record OpenStackNames(String namespace, String environment) {
  public static final String ENVIRONMENT_KEY = "escalator.dev:environment";
  public static final String TIER_KEY = "escalator.dev:tier";
  public static final String NODE_KEY = "escalator.dev:node";
  /** The escalation that created a server. */
  public static final String ESCALATION_KEY = "escalator.dev:escalation";
  /** The work (escalation step run) that last acted on a server: repeating that work is a no-op. */
  public static final String WORK_KEY = "escalator.dev:work";

  public String prefix() {
    String full = "esc-" + namespace + "-" + environment;
    if (full.length() <= 48) return full;
    return full.substring(0, 39) + "-" + Hashes.sha256Hex(full).substring(0, 8);
  }

  public String network() {
    return prefix();
  }

  public String subnet() {
    return prefix();
  }

  public String router() {
    return prefix();
  }

  public String securityGroup() {
    return prefix();
  }

  public String tierNetwork(String tier) {
    return prefix() + "-" + tier;
  }

  public String serverGroup(String tier) {
    return prefix() + "-" + tier;
  }

  public String server(String node) {
    return prefix() + "-" + node;
  }

  /** The value of {@link #ENVIRONMENT_KEY}: {@code <namespace>/<environment>}. */
  public String owner() {
    return namespace + "/" + environment;
  }

  public Map<String, String> serverMetadata(String tier, String node) {
    return Map.of(ENVIRONMENT_KEY, owner(), TIER_KEY, tier, NODE_KEY, node);
  }

  /** Whether a server's metadata says it is this environment's {@code node}. */
  public boolean owns(Map<String, String> metadata, String node) {
    return metadata != null && owner().equals(metadata.get(ENVIRONMENT_KEY)) && node.equals(metadata.get(NODE_KEY));
  }
}

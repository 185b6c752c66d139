package dev.escalator.operator.ladder;

import java.util.Objects;

/**
 * A node of the inventory: a server or host filling a tier. Its address is null while a provider
 * has not created it (or not reported its address) yet; providerId is the provider's own id
 * (e.g. an OpenStack server id), when a provider reported one.
 */
public record Node(String name, String tier, String address, String providerId) {
  public Node {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
  }

  public Node(String name, String tier, String address) {
    this(name, tier, address, null);
  }

  public Target target() {
    return Target.node(tier, name);
  }
}

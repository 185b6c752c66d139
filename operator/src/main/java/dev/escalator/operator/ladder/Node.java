package dev.escalator.operator.ladder;

import java.util.Objects;

/** A node of the inventory: a server or host filling a tier. */
public record Node(String name, String tier, String address) {
  public Node {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(address, "address");
  }

  public Target target() {
    return Target.node(tier, name);
  }
}

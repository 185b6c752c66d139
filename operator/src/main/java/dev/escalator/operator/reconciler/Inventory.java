package dev.escalator.operator.reconciler;

import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.NodeStatus;
import dev.escalator.operator.ladder.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The inventory as status records it, and nodes that actions report merged into it. */
final class Inventory {
  private Inventory() {}

  /** The nodes recorded in status (with their addresses and provider ids); malformed entries are skipped. */
  static List<Node> recorded(EnvironmentStatus status) {
    if (status == null || status.inventory == null) return List.of();
    List<Node> out = new ArrayList<>();
    for (NodeStatus n : status.inventory) {
      if (n == null || n.name == null || n.tier == null) continue;
      out.add(new Node(n.name, n.tier, n.address, n.providerId));
    }
    return out;
  }

  /** {@code known}, with each reported node replacing the known node of the same name. */
  static List<Node> merge(List<Node> known, List<Node> reported) {
    Map<String, Node> byName = new LinkedHashMap<>();
    known.forEach(n -> byName.put(n.name(), n));
    reported.forEach(n -> byName.put(n.name(), n));
    return List.copyOf(byName.values());
  }
}

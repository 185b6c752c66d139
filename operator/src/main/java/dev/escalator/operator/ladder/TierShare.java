package dev.escalator.operator.ladder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The per-tier storm guard: when more than {@code maxFailingPercent} of a tier's nodes fail a
 * node-scoped check at once, the cause is rarely the nodes (a shared network, the monitoring, the
 * cloud), and replacing them one by one would make it worse. Node-scoped levels then wait; the
 * more drastic levels still run when their own checks ask for them.
 *
 * @param maxFailingPercent share of a tier's nodes that may fail at once; 100 turns the guard off
 * @param minNodes tiers with fewer nodes are not judged (one of two failing is not a pattern)
 */
public record TierShare(int maxFailingPercent, int minNodes) {
  public TierShare {
    if (maxFailingPercent < 1 || maxFailingPercent > 100) throw new IllegalArgumentException("maxFailingPercent must be between 1 and 100");
    if (minNodes < 1) throw new IllegalArgumentException("minNodes must be at least 1");
  }

  public static TierShare off() {
    return new TierShare(100, 1);
  }

  /** The hold when some tier has too many failing nodes, naming each such tier. */
  public Optional<Hold> hold(List<Failure> failures, List<Node> inventory) {
    if (maxFailingPercent == 100) return Optional.empty();
    Map<String, Set<String>> nodes = new TreeMap<>();
    for (Node n : inventory) nodes.computeIfAbsent(n.tier(), t -> new HashSet<>()).add(n.name());
    Map<String, Set<String>> failing = new TreeMap<>();
    for (Failure f : failures) {
      Target t = f.target();
      if (t.scope() == Scope.NODE && nodes.getOrDefault(t.tier(), Set.of()).contains(t.node())) {
        failing.computeIfAbsent(t.tier(), k -> new HashSet<>()).add(t.node());
      }
    }
    List<String> tiers = new ArrayList<>();
    failing.forEach((tier, down) -> {
      int size = nodes.get(tier).size();
      if (size >= minNodes && down.size() * 100L > (long) maxFailingPercent * size) {
        tiers.add(down.size() + " of " + size + " nodes of tier " + tier);
      }
    });
    if (tiers.isEmpty()) return Optional.empty();
    return Optional.of(Hold.tierFailing(tiers.stream().collect(Collectors.joining(", ")) + " fail at once (more than "
        + maxFailingPercent + "%): node-level repairs wait, since a cause the nodes share is likelier than that many broken nodes"));
  }
}

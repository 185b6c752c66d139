package dev.escalator.operator.ladder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The part of the environment a planned step covers: everything, or some tiers and some nodes.
 * It is kept apart from the concrete targets because the inventory may change between planning
 * and the step's start (a "create all VMs" level fills the inventory that the "one VM" level after
 * it acts on), so it is {@link #resolve resolved} only when the step starts.
 */
public record Selector(boolean all, SortedSet<String> tiers, SortedSet<Target> nodes) {
  public static final Selector NONE = new Selector(false, new TreeSet<>(), new TreeSet<>());
  public static final Selector ALL = new Selector(true, new TreeSet<>(), new TreeSet<>());

  public Selector {
    tiers = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(tiers));
    nodes = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(nodes));
    for (Target n : nodes) {
      if (n.scope() != Scope.NODE) throw new IllegalArgumentException("not a node target: " + n);
    }
  }

  /** The part of the environment a failing target stands for. */
  public static Selector of(Target target) {
    return switch (target.scope()) {
      case ENVIRONMENT -> ALL;
      case TIER -> new Selector(false, new TreeSet<>(Set.of(target.tier())), new TreeSet<>());
      case NODE -> new Selector(false, new TreeSet<>(), new TreeSet<>(Set.of(target)));
    };
  }

  public Selector union(Selector other) {
    if (all || other.all) return ALL;
    TreeSet<String> t = new TreeSet<>(tiers);
    t.addAll(other.tiers);
    TreeSet<Target> n = new TreeSet<>(nodes);
    n.addAll(other.nodes);
    return new Selector(false, t, n);
  }

  public boolean isEmpty() {
    return !all && tiers.isEmpty() && nodes.isEmpty();
  }

  /**
   * The concrete targets for a level of the given scope, against the current inventory. An
   * environment-scoped level always runs once. A tier-scoped level runs for each selected tier and
   * each tier of a selected node. A node-scoped level runs for each selected node (even one the
   * inventory no longer lists: that is the node to replace) and each node of a selected tier.
   */
  public List<Target> resolve(Scope scope, Collection<Node> inventory) {
    if (isEmpty()) return List.of();
    Set<Target> out = new LinkedHashSet<>();
    switch (scope) {
      case ENVIRONMENT -> out.add(Target.environment());
      case TIER -> {
        TreeSet<String> selected = new TreeSet<>();
        if (all) inventory.forEach(n -> selected.add(n.tier()));
        selected.addAll(tiers);
        nodes.forEach(n -> selected.add(n.tier()));
        selected.forEach(t -> out.add(Target.tier(t)));
      }
      case NODE -> {
        TreeSet<Target> selected = new TreeSet<>(nodes);
        for (Node n : inventory) {
          if (all || tiers.contains(n.tier())) selected.add(n.target());
        }
        out.addAll(selected);
      }
    }
    return new ArrayList<>(out);
  }

  @Override
  public String toString() {
    if (all) return "all";
    List<String> parts = new ArrayList<>();
    tiers.forEach(t -> parts.add("tier/" + t));
    nodes.forEach(n -> parts.add(n.key()));
    return parts.isEmpty() ? "none" : String.join(",", parts);
  }
}

package dev.escalator.operator.ladder;

import java.util.Objects;

/**
 * What a check result or an action step is about: the environment, a tier, or a node of a tier.
 * Its {@link #key()} ({@code environment}, {@code tier/web}, {@code node/web/web-1}) is stable and
 * is what status records.
 */
public record Target(Scope scope, String tier, String node) implements Comparable<Target> {
  private static final Target ENVIRONMENT = new Target(Scope.ENVIRONMENT, null, null);

  public Target {
    Objects.requireNonNull(scope, "scope");
    switch (scope) {
      case ENVIRONMENT -> {
        if (tier != null || node != null) throw new IllegalArgumentException("environment target has no tier or node");
      }
      case TIER -> {
        Objects.requireNonNull(tier, "tier");
        if (node != null) throw new IllegalArgumentException("tier target has no node");
      }
      case NODE -> {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(node, "node");
      }
    }
  }

  public static Target environment() {
    return ENVIRONMENT;
  }

  public static Target tier(String tier) {
    return new Target(Scope.TIER, tier, null);
  }

  public static Target node(String tier, String node) {
    return new Target(Scope.NODE, tier, node);
  }

  public String key() {
    return switch (scope) {
      case ENVIRONMENT -> "environment";
      case TIER -> "tier/" + tier;
      case NODE -> "node/" + tier + "/" + node;
    };
  }

  /** Parses a {@link #key()}; throws IllegalArgumentException on anything else. */
  public static Target parse(String key) {
    if ("environment".equals(key)) return ENVIRONMENT;
    String[] parts = key == null ? new String[0] : key.split("/", -1);
    if (parts.length == 2 && parts[0].equals("tier") && !parts[1].isEmpty()) return tier(parts[1]);
    if (parts.length == 3 && parts[0].equals("node") && !parts[1].isEmpty() && !parts[2].isEmpty()) {
      return node(parts[1], parts[2]);
    }
    throw new IllegalArgumentException("not a target key: " + key);
  }

  @Override
  public int compareTo(Target o) {
    return key().compareTo(o.key());
  }

  @Override
  public String toString() {
    return key();
  }
}

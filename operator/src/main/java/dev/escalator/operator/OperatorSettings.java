package dev.escalator.operator;

import dev.escalator.operator.ladder.StormGuard;
import dev.escalator.operator.openstack.OpenStackClouds;
import dev.escalator.operator.spec.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's own settings, read from environment variables (the Helm chart sets them).
 *
 * @param namespaces namespaces to watch; empty means all
 * @param actionPollInterval how often a running action is polled
 * @param maxConcurrentProbes probes in flight at once, over all environments
 * @param leaderElection whether to take a Lease before acting (several replicas: one acts)
 * @param leaseNamespace namespace of the Lease (the pod's own)
 * @param metricsPort port of /metrics, /healthz and /readyz; 0 disables it
 * @param storm the operator-wide storm guard: caps on escalations in flight, the meltdown hold
 */
public record OperatorSettings(
    Set<String> namespaces,
    Duration actionPollInterval,
    int maxConcurrentProbes,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int metricsPort,
    Duration resyncInterval,
    OpenStackClouds.Settings openstack,
    StormGuard.Limits storm) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(Set.of(), Duration.ofSeconds(5), 256, false, "escalator-leader", null, 8080, Duration.ofMinutes(5),
        OpenStackClouds.Settings.defaults(), StormGuard.Limits.defaults());
  }

  /** Reads ESCALATOR_* variables; an unparsable value stops start-up with a message naming it. */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    OperatorSettings d = defaults();
    Set<String> namespaces = Arrays.stream(env.getOrDefault("ESCALATOR_NAMESPACES", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    return new OperatorSettings(
        namespaces,
        duration(env, "ESCALATOR_ACTION_POLL_INTERVAL", d.actionPollInterval()),
        integer(env, "ESCALATOR_MAX_CONCURRENT_PROBES", d.maxConcurrentProbes(), 1, 100_000),
        Boolean.parseBoolean(env.getOrDefault("ESCALATOR_LEADER_ELECTION", "false")),
        env.getOrDefault("ESCALATOR_LEASE_NAME", d.leaseName()),
        env.getOrDefault("POD_NAMESPACE", null),
        integer(env, "ESCALATOR_METRICS_PORT", d.metricsPort(), 0, 65535),
        duration(env, "ESCALATOR_RESYNC_INTERVAL", d.resyncInterval()),
        d.openstack(),
        new StormGuard.Limits(
            integer(env, "ESCALATOR_MAX_ESCALATIONS", d.storm().maxConcurrent(), 0, 10_000),
            integer(env, "ESCALATOR_MAX_ESCALATIONS_PER_NAMESPACE", d.storm().maxConcurrentPerNamespace(), 0, 10_000),
            integer(env, "ESCALATOR_MELTDOWN_PERCENT", d.storm().meltdownPercent(), 1, 100),
            integer(env, "ESCALATOR_MELTDOWN_MIN_ENVIRONMENTS", d.storm().meltdownMinEnvironments(), 1, 100_000)));
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return fallback;
    try {
      return Durations.parse(v.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return fallback;
    try {
      int i = Integer.parseInt(v.trim());
      if (i < min || i > max) throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + i);
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: '" + v + "'", e);
    }
  }

  public OperatorSettings withActionPollInterval(Duration d) {
    return new OperatorSettings(namespaces, d, maxConcurrentProbes, leaderElection, leaseName, leaseNamespace, metricsPort, resyncInterval, openstack, storm);
  }

  public OperatorSettings withMetricsPort(int port) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, leaderElection, leaseName, leaseNamespace, port, resyncInterval, openstack, storm);
  }

  public OperatorSettings withStorm(StormGuard.Limits value) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, leaderElection, leaseName, leaseNamespace, metricsPort, resyncInterval, openstack, value);
  }

  public OperatorSettings withOpenStack(OpenStackClouds.Settings value) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, leaderElection, leaseName, leaseNamespace, metricsPort, resyncInterval, value, storm);
  }
}

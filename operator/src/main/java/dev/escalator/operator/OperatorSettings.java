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
 * @param leaderElection whether and how replicas take a Lease before acting (several replicas: one acts)
 * @param metricsPort port of /metrics, /healthz and /readyz; 0 disables it
 * @param storm the operator-wide storm guard: caps on escalations in flight, the meltdown hold
 */
public record OperatorSettings(
    Set<String> namespaces,
    Duration actionPollInterval,
    int maxConcurrentProbes,
    LeaderElection leaderElection,
    int metricsPort,
    Duration resyncInterval,
    OpenStackClouds.Settings openstack,
    StormGuard.Limits storm) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(Set.of(), Duration.ofSeconds(5), 256, LeaderElection.disabled(), 8080, Duration.ofMinutes(5),
        OpenStackClouds.Settings.defaults(), StormGuard.Limits.defaults());
  }

  /**
   * Leader election between replicas through a coordination.k8s.io Lease (JOSDK and fabric8's
   * LeaderElector). A replica that does not hold the Lease keeps its informers warm but reconciles
   * nothing; when the holder stops renewing, another takes the Lease once {@code leaseDuration}
   * has passed since the last renewal and resumes every escalation from its Environment's status.
   *
   * @param enabled take the Lease before acting; without it every replica acts
   * @param leaseName name of the Lease
   * @param leaseNamespace namespace of the Lease (the pod's own, POD_NAMESPACE); null: the client's
   * @param identity this replica's holder identity; null: JOSDK's default, $HOSTNAME (the pod name)
   * @param leaseDuration how long an unrenewed Lease still belongs to its holder: the failover time after a crash
   * @param renewDeadline how long the leader keeps failing to renew before it gives up leading (and the process exits)
   * @param retryPeriod how often the leader renews and standbys try to take the Lease
   */
  public record LeaderElection(boolean enabled, String leaseName, String leaseNamespace, String identity,
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public LeaderElection {
      if (!(Duration.ZERO.compareTo(retryPeriod) < 0 && retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)) {
        throw new IllegalArgumentException("leader election needs 0 < retry period (" + Durations.format(retryPeriod) + ") < renew deadline ("
            + Durations.format(renewDeadline) + ") < lease duration (" + Durations.format(leaseDuration) + ")");
      }
    }

    /** Off, with JOSDK's default timings (15 s lease, 10 s renew deadline, 2 s retry) for when it is turned on. */
    public static LeaderElection disabled() {
      return new LeaderElection(false, "escalator-leader", null, null, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public LeaderElection withEnabled(boolean value) {
      return new LeaderElection(value, leaseName, leaseNamespace, identity, leaseDuration, renewDeadline, retryPeriod);
    }

    public LeaderElection withLease(String namespace, String name) {
      return new LeaderElection(enabled, name, namespace, identity, leaseDuration, renewDeadline, retryPeriod);
    }

    public LeaderElection withIdentity(String value) {
      return new LeaderElection(enabled, leaseName, leaseNamespace, value, leaseDuration, renewDeadline, retryPeriod);
    }

    public LeaderElection withTimings(Duration lease, Duration renew, Duration retry) {
      return new LeaderElection(enabled, leaseName, leaseNamespace, identity, lease, renew, retry);
    }
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
        leaderElection(env, d.leaderElection()),
        integer(env, "ESCALATOR_METRICS_PORT", d.metricsPort(), 0, 65535),
        duration(env, "ESCALATOR_RESYNC_INTERVAL", d.resyncInterval()),
        d.openstack(),
        new StormGuard.Limits(
            integer(env, "ESCALATOR_MAX_ESCALATIONS", d.storm().maxConcurrent(), 0, 10_000),
            integer(env, "ESCALATOR_MAX_ESCALATIONS_PER_NAMESPACE", d.storm().maxConcurrentPerNamespace(), 0, 10_000),
            integer(env, "ESCALATOR_MELTDOWN_PERCENT", d.storm().meltdownPercent(), 1, 100),
            integer(env, "ESCALATOR_MELTDOWN_MIN_ENVIRONMENTS", d.storm().meltdownMinEnvironments(), 1, 100_000)));
  }

  private static LeaderElection leaderElection(Map<String, String> env, LeaderElection d) {
    Duration lease = duration(env, "ESCALATOR_LEASE_DURATION", d.leaseDuration());
    Duration renew = duration(env, "ESCALATOR_LEASE_RENEW_DEADLINE", d.renewDeadline());
    Duration retry = duration(env, "ESCALATOR_LEASE_RETRY_PERIOD", d.retryPeriod());
    try {
      return new LeaderElection(Boolean.parseBoolean(env.getOrDefault("ESCALATOR_LEADER_ELECTION", "false")),
          env.getOrDefault("ESCALATOR_LEASE_NAME", d.leaseName()), env.getOrDefault("POD_NAMESPACE", null), d.identity(), lease, renew, retry);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ESCALATOR_LEASE_*: " + e.getMessage(), e);
    }
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
    return new OperatorSettings(namespaces, d, maxConcurrentProbes, leaderElection, metricsPort, resyncInterval, openstack, storm);
  }

  public OperatorSettings withMetricsPort(int port) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, leaderElection, port, resyncInterval, openstack, storm);
  }

  public OperatorSettings withStorm(StormGuard.Limits value) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, leaderElection, metricsPort, resyncInterval, openstack, value);
  }

  public OperatorSettings withOpenStack(OpenStackClouds.Settings value) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, leaderElection, metricsPort, resyncInterval, value, storm);
  }

  public OperatorSettings withLeaderElection(LeaderElection value) {
    return new OperatorSettings(namespaces, actionPollInterval, maxConcurrentProbes, value, metricsPort, resyncInterval, openstack, storm);
  }
}

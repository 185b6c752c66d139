package dev.escalator.operator.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The numbers of a series of crash runs, for the summary line and docs/reliability.md. */
final class CrashTally {
  private final List<CrashRunReport> reports = new ArrayList<>();

  synchronized void add(CrashRunReport report) {
    reports.add(report);
  }

  synchronized List<CrashRunReport> reports() {
    return List.copyOf(reports);
  }

  synchronized int crashes() {
    return reports.stream().mapToInt(r -> r.crashes().size()).sum();
  }

  /** Crashes by the effect they followed, e.g. {@code openstack POST /compute/v2.1/servers=14}. */
  synchronized Map<String, Integer> byEffect() {
    Map<String, Integer> m = new TreeMap<>();
    reports.forEach(r -> r.crashes().forEach(c -> m.merge(c.effect(), 1, Integer::sum)));
    return m;
  }

  /** Crashes by the level in progress, in ladder order where known. */
  synchronized Map<String, Integer> byLevel() {
    Map<String, Integer> m = new TreeMap<>();
    reports.forEach(r -> r.crashes().forEach(c -> m.merge(c.level(), 1, Integer::sum)));
    return m;
  }

  synchronized String summary(String where, Duration wall) {
    int leaks = reports.stream().mapToInt(r -> r.leaks().size()).sum();
    int duplicates = reports.stream().mapToInt(r -> r.duplicates().size()).sum();
    Map<String, Integer> outcomes = new TreeMap<>();
    reports.forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
    Duration longest = reports.stream().map(CrashRunReport::took).max(Duration::compareTo).orElse(Duration.ZERO);
    return String.format("[crash] %s: %d runs, %d crashes injected (%d planned points not reached), outcomes %s,"
        + " %d leaks, %d duplicate actions, %d webhook resends with the same Idempotency-Key; wall %.1f s, longest run %.1f s;"
        + " crashes by level %s; by effect %s",
        where, reports.size(), crashes(), reports.stream().mapToInt(CrashRunReport::missed).sum(), outcomes, leaks, duplicates,
        reports.stream().mapToInt(CrashRunReport::resends).sum(), wall.toMillis() / 1e3, longest.toMillis() / 1e3, byLevel(), byEffect());
  }
}

package dev.escalator.operator.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash-safety harness over the simulator (issue 5): {@value #DEFAULT_RUNS} runs, each building
 * the six-level Environment from nothing while the operator is crashed one to three times at
 * seeded random points ({@link CrashRun} on a {@link SimulatorCloud}). Every run must reach a
 * final state (Healthy, the escalation Converged, or Recovered when the dead instance's work
 * already made the checks pass: {@link WorkAudit#FINAL}), leave exactly the resources the spec
 * declares and have done no action twice. Runs are independent (each its own API server and cloud) and run {@value
 * #DEFAULT_PARALLEL} at a time: they mostly wait on timers.
 *
 * <p>Replay one run: {@code -Dcrash.seed=<its seed> -Dcrash.runs=1}. The seed fixes the crash
 * points (the n-th effect); which effect is n-th can vary with thread timing.
 */
class CrashSafetyMockTest {
  static final int DEFAULT_RUNS = 100;
  static final int DEFAULT_PARALLEL = 6;
  /** Effects of a crash-free build (26 to 31 measured): crash points are drawn from 1..this. */
  static final int HORIZON = 28;
  static final int MAX_CRASHES = 3;
  /** Each run has a cloud of its own: one name serves them all. */
  static final String NAME = "shop";

  @Test
  void crashesAtRandomPointsLeakNothingAndDuplicateNothing() throws Exception {
    int runs = Integer.getInteger("crash.runs", DEFAULT_RUNS);
    long base = Long.getLong("crash.seed", new Random().nextLong());
    CrashTally tally = new CrashTally();
    long t0 = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("crash.parallel", DEFAULT_PARALLEL))) {
      for (int i = 0; i < runs; i++) {
        long seed = base + i;
        futures.add(pool.submit(() -> {
          try (CrashRun run = new CrashRun(seed, NAME, new CrashPoints(seed, MAX_CRASHES, HORIZON), new SimulatorCloud())) {
            tally.add(run.run());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) f.get();
    }
    System.out.println(tally.summary("simulator, base seed " + base, Duration.ofNanos(System.nanoTime() - t0)));
    // Every instance was closed: none of their reconciler or informer threads may outlive them.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(operatorThreads()).as("operator threads left").isEmpty());

    assertThat(tally.reports()).hasSize(runs);
    assertThat(tally.reports().stream().filter(r -> !r.passed()).map(CrashRunReport::describe))
        .as("runs that did not reach a final state, leaked or duplicated").isEmpty();
    assertThat(tally.crashes()).as("crashes injected").isGreaterThanOrEqualTo(runs);
  }

  /** The gaps between an effect and its record that matter most, each hit exactly (random points may miss one). */
  @ParameterizedTest
  @ValueSource(strings = {"openstack POST /identity/v3/projects", "openstack PUT /identity/v3/projects/{project}/users/{user}/roles/{role}",
      "openstack POST /network/v2.0/security-groups", "openstack POST /compute/v2.1/servers", "kubernetes job create", "webhook redeploy"})
  void aCrashRightAfterAnEffectLeaksNothingAndDuplicatesNothing(String effect) throws Exception {
    try (CrashRun run = new CrashRun(0, NAME, CrashPoints.at(effect), new SimulatorCloud())) {
      CrashRunReport report = run.run();
      assertThat(report.crashes()).extracting(CrashRunReport.CrashPoint::effect).containsExactly(effect);
      assertThat(report.passed()).as(report.describe()).isTrue();
    }
  }

  private static List<String> operatorThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("ReconcilerExecutor-") || n.startsWith("InformerWrapper")).toList();
  }
}

package dev.escalator.operator.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The crash-safety harness against the real OpenStack of {@code hack/start-openstack.sh}: {@value
 * #DEFAULT_RUNS} runs, each building the six-level Environment from nothing while the operator is
 * crashed once or twice at seeded points on the Kubernetes side (see {@link RealOpenStackCloud}),
 * with the same assertions as {@link CrashSafetyMockTest}. Each run has an Environment name of its
 * own and wipes its resources afterwards.
 */
@Tag("integration")
class CrashSafetyIntegrationTest {
  static final int DEFAULT_RUNS = 6;
  /** Kubernetes-side effects of a build (status writes, Jobs, the webhook): 13 to 21 measured. */
  static final int HORIZON = 16;
  static final int MAX_CRASHES = 2;

  @Test
  void crashesDuringRealBuildsLeakNothingAndDuplicateNothing() throws Exception {
    int runs = Integer.getInteger("crash.runs", DEFAULT_RUNS);
    long base = Long.getLong("crash.seed", new Random().nextLong());
    String prefix = "crh" + Long.toString(System.nanoTime() % 1_000_000, 36);
    CrashTally tally = new CrashTally();
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      long seed = base + i;
      String name = prefix + "-" + i;
      try (CrashRun run = new CrashRun(seed, name, new CrashPoints(seed, MAX_CRASHES, HORIZON),
          new RealOpenStackCloud(CrashRun.NAMESPACE, name))) {
        CrashRunReport report = run.run();
        System.out.println("[crash] real OpenStack run " + i + ": " + report.describe() + ", " + report.effects() + " effects, "
            + report.took().toMillis() / 1e3 + " s");
        tally.add(report);
      }
    }
    System.out.println(tally.summary("real OpenStack, base seed " + base, Duration.ofNanos(System.nanoTime() - t0)));
    assertThat(tally.reports().stream().filter(r -> !r.passed()).map(CrashRunReport::describe))
        .as("runs that did not reach a final state, leaked or duplicated").isEmpty();
    assertThat(tally.crashes()).as("crashes injected").isGreaterThanOrEqualTo(runs / 2);
  }
}

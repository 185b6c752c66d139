package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.check.ProbeResult.Outcome;
import dev.escalator.operator.ladder.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckSchedulerTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration PERIOD = Duration.ofMillis(20);

  /** The fake type's spec: which scripted behaviour to run. */
  record FakeSpec(String id) {}

  /** Scripted probe: per id a result (or a behaviour), counting executions and concurrency. */
  static final class ScriptedProbe implements Probe<FakeSpec> {
    interface Behaviour {
      ProbeResult run() throws InterruptedException;
    }

    final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    final Map<String, LongAdder> executions = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> runningById = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> maxRunningById = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    void answer(String id, ProbeResult result) {
      behaviours.put(id, () -> result);
    }

    long executions(String id) {
      return executions.computeIfAbsent(id, k -> new LongAdder()).sum();
    }

    int maxRunning(String id) {
      return maxRunningById.computeIfAbsent(id, k -> new AtomicInteger()).get();
    }

    @Override
    public ProbeResult probe(FakeSpec spec, Duration timeout) {
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      int mine = runningById.computeIfAbsent(spec.id(), k -> new AtomicInteger()).incrementAndGet();
      maxRunningById.computeIfAbsent(spec.id(), k -> new AtomicInteger()).accumulateAndGet(mine, Math::max);
      try {
        Behaviour b = behaviours.getOrDefault(spec.id(), () -> ProbeResult.pass("ok"));
        return b.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ProbeResult.error("interrupted");
      } finally {
        runningById.get(spec.id()).decrementAndGet();
        running.decrementAndGet();
        executions.computeIfAbsent(spec.id(), k -> new LongAdder()).increment();
      }
    }
  }

  private final ScriptedProbe probe = new ScriptedProbe();
  private final CheckTypes types =
      new CheckTypes(List.of(new CheckType<>("fake", FakeSpec.class, c -> null, probe)));
  private final List<String> notifications = new CopyOnWriteArrayList<>();
  private final AtomicInteger initialDelays = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private CheckScheduler scheduler = scheduler(CheckScheduler.DEFAULT_MAX_CONCURRENT_PROBES);

  private CheckScheduler scheduler(int maxConcurrent) {
    return new CheckScheduler(types, notifications::add, CheckScheduler.Options.defaults()
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
        .withMaxConcurrentProbes(maxConcurrent)
        .withInitialDelay(check -> {
          initialDelays.incrementAndGet();
          return Duration.ZERO;
        }));
  }

  @AfterEach
  void close() {
    release.countDown();
    scheduler.close();
  }

  private static ScheduledCheck check(String name, Target target, String id, int failureThreshold, int successThreshold) {
    return new ScheduledCheck(name, target, "redeploy", "fake", new FakeSpec(id), PERIOD, Duration.ofSeconds(1),
        failureThreshold, successThreshold);
  }

  private static ScheduledCheck check(String name, String id) {
    return check(name, Target.environment(), id, 3, 1);
  }

  private CheckVerdict verdict(String env, String check) {
    return scheduler.verdicts(env).stream().filter(v -> v.check().equals(check)).findFirst().orElseThrow();
  }

  @Test
  void aCheckStartsUnknownAndTurnsHealthyOnItsFirstPass() {
    probe.answer("a", ProbeResult.pass("fine"));
    scheduler.sync("shop/prod", List.of(check("smoke", "a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> verdict("shop/prod", "smoke").healthy() != null);
    assertThat(verdict("shop/prod", "smoke"))
        .isEqualTo(new CheckVerdict("smoke", Target.environment(), "redeploy", true, "fine", NOW, Outcome.PASS));
  }

  @Test
  void failingNeedsFailureThresholdConsecutiveFailsAndRecoveryNeedsSuccessThreshold() {
    probe.answer("a", ProbeResult.pass("fine"));
    scheduler.sync("env", List.of(check("app", Target.environment(), "a", 4, 3)));
    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(verdict("env", "app").healthy()));

    long before = probe.executions("a");
    probe.answer("a", ProbeResult.fail("down"));
    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.FALSE.equals(verdict("env", "app").healthy()));
    assertThat(probe.executions("a") - before).as("FAILs before failing").isGreaterThanOrEqualTo(4);

    before = probe.executions("a");
    probe.answer("a", ProbeResult.pass("fine"));
    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(verdict("env", "app").healthy()));
    assertThat(probe.executions("a") - before).as("PASSes before healthy").isGreaterThanOrEqualTo(3);
  }

  @Test
  void errorsDoNotMakeAHealthyCheckFail() {
    probe.answer("a", ProbeResult.pass("fine"));
    scheduler.sync("env", List.of(check("app", Target.environment(), "a", 1, 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(verdict("env", "app").healthy()));
    long before = probe.executions("a");
    probe.answer("a", ProbeResult.error("prometheus unreachable"));
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.executions("a") >= before + 5);
    CheckVerdict v = verdict("env", "app");
    assertThat(v.healthy()).isTrue();
    assertThat(v.lastOutcome()).isEqualTo(Outcome.ERROR);
    assertThat(v.message()).isEqualTo("prometheus unreachable");
  }

  @Test
  void theListenerHearsChangesNotEveryProbe() {
    probe.answer("a", ProbeResult.pass("fine"));
    scheduler.sync("env", List.of(check("app", "a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.executions("a") >= 20);
    assertThat(notifications).containsExactly("env");

    probe.answer("a", ProbeResult.pass("fine, but slower"));
    await().atMost(Duration.ofSeconds(5)).until(() -> notifications.size() == 2);
    long seen = probe.executions("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.executions("a") >= seen + 20);
    assertThat(notifications).containsExactly("env", "env");
  }

  @Test
  void syncKeepsTheStateAndScheduleOfAnUnchangedCheck() {
    probe.answer("a", ProbeResult.pass("fine"));
    scheduler.sync("env", List.of(check("app", "a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(verdict("env", "app").healthy()));
    assertThat(initialDelays).hasValue(1);

    // An equal definition with fresh objects, as a new reconcile would build it.
    scheduler.sync("env", List.of(check("app", "a")));
    assertThat(verdict("env", "app").healthy()).isTrue();
    assertThat(initialDelays).as("not rescheduled").hasValue(1);
  }

  @Test
  void syncRestartsAChangedCheckFromUnknown() {
    probe.answer("a", ProbeResult.pass("fine"));
    scheduler.sync("env", List.of(check("app", "a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(verdict("env", "app").healthy()));

    probe.behaviours.put("b", () -> {
      release.await();
      return ProbeResult.pass("b");
    });
    scheduler.sync("env", List.of(check("app", "b")));
    CheckVerdict v = verdict("env", "app");
    assertThat(v.healthy()).isNull();
    assertThat(v.message()).isEqualTo("not probed yet");
    assertThat(initialDelays).hasValue(2);
    long a = probe.executions("a");
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probe.executions("a") == a);
  }

  @Test
  void syncDropsChecksNoLongerListedAndStopsProbingThem() {
    scheduler.sync("env", List.of(check("keep", "k"), check("drop", "d")));
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.executions("d") > 0);
    scheduler.sync("env", List.of(check("keep", "k")));
    assertThat(scheduler.verdicts("env")).extracting(CheckVerdict::check).containsExactly("keep");
    long dropped = probe.executions("d");
    long kept = probe.executions("k");
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probe.executions("d") == dropped);
    assertThat(probe.executions("k")).isGreaterThan(kept);
  }

  @Test
  void removeStopsEveryProbeOfTheEnvironment() {
    scheduler.sync("gone", List.of(check("a", "a"), check("b", "b")));
    scheduler.sync("stays", List.of(check("c", "c")));
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.probeExecutions() >= 10);
    scheduler.remove("gone");
    assertThat(scheduler.verdicts("gone")).isEmpty();
    assertThat(scheduler.environments()).containsExactly("stays");

    long a = probe.executions("a");
    long b = probe.executions("b");
    long c = probe.executions("c");
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
        .until(() -> probe.executions("a") == a && probe.executions("b") == b);
    assertThat(probe.executions("c")).isGreaterThan(c);

    scheduler.remove("stays");
    await().atMost(Duration.ofSeconds(2)).until(() -> scheduler.counters().probesInFlight() == 0);
    long total = scheduler.probeExecutions();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> scheduler.probeExecutions() == total);
  }

  @Test
  void aSlowProbeNeverOverlapsItselfAndItsTicksAreSkipped() {
    probe.behaviours.put("slow", () -> {
      release.await(10, TimeUnit.SECONDS);
      return ProbeResult.pass("slow");
    });
    scheduler.sync("env", List.of(check("slow", "slow")));
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.counters().skippedTicks() >= 5);
    assertThat(probe.maxRunning("slow")).isEqualTo(1);
    assertThat(probe.executions("slow")).isZero();
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.executions("slow") >= 3);
    assertThat(probe.maxRunning("slow")).isEqualTo(1);
  }

  @Test
  void noMoreProbesRunAtOnceThanTheConcurrencyLimit() {
    scheduler.close();
    scheduler = scheduler(3);
    List<ScheduledCheck> checks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "c" + i;
      probe.behaviours.put(id, () -> {
        release.await(10, TimeUnit.SECONDS);
        return ProbeResult.pass("ok");
      });
      checks.add(check("check-" + i, id));
    }
    scheduler.sync("env", checks);
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.running.get() == 3);
    assertThat(scheduler.counters().probesInFlight()).as("started, waiting for a permit").isEqualTo(20);
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probe.running.get() == 3);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> checks.stream().allMatch(c -> probe.executions(((FakeSpec) c.spec()).id()) > 0));
    assertThat(probe.maxRunning).hasValue(3);
  }

  @Test
  void aProbeThatThrowsIsAnError() {
    probe.behaviours.put("boom", () -> {
      throw new IllegalStateException("bug in probe");
    });
    scheduler.sync("env", List.of(check("boom", "boom")));
    await().atMost(Duration.ofSeconds(5)).until(() -> verdict("env", "boom").lastOutcome() != null);
    CheckVerdict v = verdict("env", "boom");
    assertThat(v.lastOutcome()).isEqualTo(Outcome.ERROR);
    assertThat(v.healthy()).isNull();
    assertThat(v.message()).isEqualTo("fake probe failed unexpectedly: IllegalStateException: bug in probe");
  }

  @Test
  void verdictsAreSortedByCheckThenTarget() {
    scheduler.sync("env", List.of(
        check("b", Target.node("web", "web-2"), "x", 1, 1),
        check("b", Target.environment(), "x", 1, 1),
        check("a", Target.tier("web"), "x", 1, 1),
        check("b", Target.node("web", "web-1"), "x", 1, 1)));
    assertThat(scheduler.verdicts("env")).extracting(v -> v.check() + " " + v.target().key()).containsExactly(
        "a tier/web", "b environment", "b node/web/web-1", "b node/web/web-2");
  }

  @Test
  void badInputIsRefusedWithoutChangingAnything() {
    scheduler.sync("env", List.of(check("a", "a")));
    ScheduledCheck unknownType = new ScheduledCheck("x", Target.environment(), "l", "nope", new FakeSpec("x"),
        PERIOD, PERIOD, 1, 1);
    assertThatThrownBy(() -> scheduler.sync("env", List.of(unknownType)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> scheduler.sync("env", List.of(check("b", "b"), check("b", "b"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    ScheduledCheck wrongSpec = new ScheduledCheck("x", Target.environment(), "l", "fake", "not a FakeSpec",
        PERIOD, PERIOD, 1, 1);
    assertThatThrownBy(() -> scheduler.sync("env", List.of(wrongSpec))).isInstanceOf(IllegalArgumentException.class);
    assertThat(scheduler.verdicts("env")).extracting(CheckVerdict::check).containsExactly("a");
  }

  @Test
  void closeStopsProbingAndRefusesNewWork() {
    scheduler.sync("env", List.of(check("a", "a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.executions("a") > 0);
    scheduler.close();
    long after = probe.executions("a");
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> probe.executions("a") == after);
    assertThatThrownBy(() -> scheduler.sync("env", List.of(check("a", "a")))).isInstanceOf(IllegalStateException.class);
  }
}

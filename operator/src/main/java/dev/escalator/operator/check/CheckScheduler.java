package dev.escalator.operator.check;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every environment's scheduled checks, apart from the reconcile threads, and keeps their
 * verdicts.
 *
 * <p>A small timer pool only ticks; probes run on virtual threads, so a slow or hung target costs a
 * virtual thread, not a platform one. A semaphore bounds how many probes run at once, so ten
 * thousand checks do not open ten thousand sockets in the same instant. Each check ticks every
 * period after a random initial delay within its period (spreading load); a tick that finds the
 * previous probe of the same check still running is skipped, so a check never overlaps itself and a
 * slow target does not pile up work.
 *
 * <p>The listener hears when a verdict moved (healthy or message), not on every probe; syncing
 * and removing never call it, as the caller already knows what it changed. Thread-safe.
 */
public final class CheckScheduler implements AutoCloseable {
  public static final int DEFAULT_MAX_CONCURRENT_PROBES = 256;

  private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);
  private static final Comparator<CheckVerdict> ORDER =
      Comparator.comparing(CheckVerdict::check).thenComparing(v -> v.target().key());

  /** When a newly scheduled check first runs, relative to now. */
  @FunctionalInterface
  public interface InitialDelay {
    Duration of(ScheduledCheck check);

    /** Uniformly within the check's period, so checks created together do not fire together. */
    static InitialDelay randomWithinPeriod() {
      return check -> Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.max(1, check.period().toMillis())));
    }

    static InitialDelay none() {
      return check -> Duration.ZERO;
    }
  }

  /** Tuning; {@link #defaults()} suits production. */
  public record Options(Clock clock, int maxConcurrentProbes, InitialDelay initialDelay, int timerThreads) {
    public Options {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(initialDelay, "initialDelay");
      if (maxConcurrentProbes < 1) throw new IllegalArgumentException("maxConcurrentProbes must be >= 1");
      if (timerThreads < 1) throw new IllegalArgumentException("timerThreads must be >= 1");
    }

    public static Options defaults() {
      return new Options(Clock.systemUTC(), DEFAULT_MAX_CONCURRENT_PROBES, InitialDelay.randomWithinPeriod(), 2);
    }

    public Options withClock(Clock clock) {
      return new Options(clock, maxConcurrentProbes, initialDelay, timerThreads);
    }

    public Options withMaxConcurrentProbes(int max) {
      return new Options(clock, max, initialDelay, timerThreads);
    }

    public Options withInitialDelay(InitialDelay delay) {
      return new Options(clock, maxConcurrentProbes, delay, timerThreads);
    }
  }

  /**
   * Counts since start: probes executed (completed, whatever the outcome), ticks skipped because
   * the check's previous probe was still running, probes running or waiting for a permit now, and
   * checks scheduled now.
   */
  public record Counters(long probeExecutions, long skippedTicks, int probesInFlight, int scheduledChecks) {}

  private final CheckTypes types;
  private final VerdictListener listener;
  private final Options options;
  private final ScheduledExecutorService timer;
  private final ExecutorService probeThreads;
  private final Semaphore permits;
  private final Map<String, Map<String, RunningCheck>> environments = new ConcurrentHashMap<>();
  private final LongAdder executions = new LongAdder();
  private final LongAdder skippedTicks = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;

  public CheckScheduler(CheckTypes types, VerdictListener listener) {
    this(types, listener, Options.defaults());
  }

  public CheckScheduler(CheckTypes types, VerdictListener listener, Options options) {
    this.types = Objects.requireNonNull(types, "types");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.options = Objects.requireNonNull(options, "options");
    AtomicInteger timerCount = new AtomicInteger();
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(options.timerThreads(), r -> {
      Thread t = new Thread(r, "escalator-check-timer-" + timerCount.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // Without this, every check removed would leave its cancelled tick in the queue until it came due.
    pool.setRemoveOnCancelPolicy(true);
    this.timer = pool;
    this.probeThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("escalator-probe-", 0).factory());
    this.permits = new Semaphore(options.maxConcurrentProbes());
  }

  /**
   * Makes the environment's checks exactly {@code checks}: a check whose definition (spec,
   * thresholds, timings, level) is unchanged keeps its state and its schedule; a changed one restarts
   * from unknown; one no longer listed stops. Idempotent.
   *
   * @throws IllegalArgumentException on an unknown type, a spec of the wrong class, or two checks with
   *     the same name and target; nothing is changed then
   */
  public synchronized void sync(String environmentKey, List<ScheduledCheck> checks) {
    Objects.requireNonNull(environmentKey, "environmentKey");
    if (closed) throw new IllegalStateException("scheduler is closed");
    Map<String, ScheduledCheck> wanted = new LinkedHashMap<>();
    Map<String, CheckType<?>> typeOf = new LinkedHashMap<>();
    for (ScheduledCheck check : checks) {
      CheckType<?> type = types.byName(check.type())
          .orElseThrow(() -> new IllegalArgumentException("unknown check type '" + check.type() + "' in " + check.key()));
      if (!type.specClass().isInstance(check.spec())) {
        throw new IllegalArgumentException(check.key() + ": spec " + check.spec().getClass().getSimpleName()
            + " is not a " + type.specClass().getSimpleName());
      }
      if (wanted.putIfAbsent(check.key(), check) != null) {
        throw new IllegalArgumentException("check " + check.checkName() + " is listed twice for " + check.target().key()
            + " in " + environmentKey);
      }
      typeOf.put(check.key(), type);
    }
    Map<String, RunningCheck> current = environments.getOrDefault(environmentKey, Map.of());
    Map<String, RunningCheck> next = new LinkedHashMap<>();
    Set<RunningCheck> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    for (var entry : wanted.entrySet()) {
      RunningCheck existing = current.get(entry.getKey());
      if (existing != null && existing.definition.equals(entry.getValue())) {
        next.put(entry.getKey(), existing);
        kept.add(existing);
      } else {
        next.put(entry.getKey(), new RunningCheck(environmentKey, entry.getValue(), typeOf.get(entry.getKey())));
      }
    }
    for (RunningCheck old : current.values()) {
      if (!kept.contains(old)) old.stop();
    }
    for (RunningCheck check : next.values()) {
      if (!kept.contains(check)) check.start();
    }
    if (next.isEmpty()) {
      environments.remove(environmentKey);
    } else {
      environments.put(environmentKey, Collections.unmodifiableMap(next));
    }
  }

  /** Stops and forgets every check of the environment. */
  public synchronized void remove(String environmentKey) {
    Map<String, RunningCheck> removed = environments.remove(environmentKey);
    if (removed != null) removed.values().forEach(RunningCheck::stop);
  }

  /** The environment's verdicts, sorted by check name then target key; empty when unknown. */
  public List<CheckVerdict> verdicts(String environmentKey) {
    Map<String, RunningCheck> checks = environments.getOrDefault(environmentKey, Map.of());
    List<CheckVerdict> out = new ArrayList<>(checks.size());
    for (RunningCheck check : checks.values()) {
      CheckHealth.Snapshot s = check.health.snapshot();
      ScheduledCheck d = check.definition;
      out.add(new CheckVerdict(d.checkName(), d.target(), d.level(), s.healthy(), s.message(), s.lastTransitionTime(),
          s.lastOutcome(), s.changes()));
    }
    out.sort(ORDER);
    return out;
  }

  /** The environments that have checks scheduled. */
  public Set<String> environments() {
    return Set.copyOf(environments.keySet());
  }

  public Counters counters() {
    int scheduled = environments.values().stream().mapToInt(Map::size).sum();
    return new Counters(executions.sum(), skippedTicks.sum(), inFlight.get(), scheduled);
  }

  /** Probes executed since start; what a benchmark reads. */
  public long probeExecutions() {
    return executions.sum();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      environments.values().forEach(m -> m.values().forEach(RunningCheck::stop));
      environments.clear();
    }
    timer.shutdownNow();
    probeThreads.shutdownNow();
    try {
      if (!probeThreads.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("probes still running 10s after close; they are abandoned");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One check on one target: its schedule, its in-flight probe and its thresholds. */
  private final class RunningCheck {
    final String environmentKey;
    final ScheduledCheck definition;
    final CheckType<?> type;
    final CheckHealth health;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile boolean stopped;
    volatile ScheduledFuture<?> ticks;
    volatile Thread runner;

    RunningCheck(String environmentKey, ScheduledCheck definition, CheckType<?> type) {
      this.environmentKey = environmentKey;
      this.definition = definition;
      this.type = type;
      this.health = new CheckHealth(definition.failureThreshold(), definition.successThreshold(), options.clock());
    }

    void start() {
      long delay = Math.max(0, options.initialDelay().of(definition).toMillis());
      ticks = timer.scheduleAtFixedRate(this::tick, delay, definition.period().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
      stopped = true;
      ScheduledFuture<?> t = ticks;
      if (t != null) t.cancel(false);
      Thread r = runner;
      // Interrupting frees the permit of a probe waiting on a dead target; its result is discarded.
      if (r != null) r.interrupt();
    }

    void tick() {
      if (stopped) return;
      if (!busy.compareAndSet(false, true)) {
        skippedTicks.increment();
        return;
      }
      inFlight.incrementAndGet();
      try {
        probeThreads.execute(this::execute);
      } catch (RejectedExecutionException e) {
        inFlight.decrementAndGet();
        busy.set(false);
      }
    }

    void execute() {
      boolean changed = false;
      runner = Thread.currentThread();
      try {
        if (stopped) return;
        permits.acquire();
        try {
          if (stopped) return;
          RuntimeException thrown = null;
          ProbeResult result;
          try {
            result = type.run(definition.spec(), definition.timeout());
            if (result == null) result = ProbeResult.error(type.name() + " probe returned no result");
          } catch (RuntimeException e) {
            thrown = e;
            result = ProbeResult.error(type.name() + " probe failed unexpectedly: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + ProbeMessages.detail(e.getMessage())));
          }
          executions.increment();
          if (!stopped) changed = health.record(result);
          // Logged when the verdict moves, not every period: a broken probe must not flood the log.
          if (thrown != null && changed) {
            LOG.warn("{} probe for {} in {} threw", type.name(), definition.key(), environmentKey, thrown);
          }
        } finally {
          permits.release();
        }
      } catch (InterruptedException e) {
        // Stopped while waiting for a permit or inside the probe: nothing to record.
      } finally {
        runner = null;
        inFlight.decrementAndGet();
        busy.set(false);
      }
      if (changed && !stopped) notifyListener();
    }

    private void notifyListener() {
      try {
        listener.verdictsChanged(environmentKey);
      } catch (RuntimeException e) {
        LOG.warn("verdict listener failed for {}", environmentKey, e);
      }
    }
  }
}

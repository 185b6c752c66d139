package dev.escalator.operator.metal;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus;
import dev.escalator.operator.api.HostActionStatus;
import dev.escalator.operator.metal.BmcException.Kind;
import dev.escalator.operator.metal.HostProcedure.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link HostProcedure}s on hosts without ever blocking the caller on a BMC: {@link #advance}
 * starts the current step's BMC call on the executor and returns; a later call picks up its
 * result, records it in the host's status (step done, next step, power state) and starts the
 * next. Where a procedure stands lives in {@code status.lastAction}, so a restarted operator
 * resumes at the recorded step; only a call in flight at the crash is made again (every step but
 * Reset first reads the power state and does nothing when it is already where it should be).
 *
 * <p>Time limits come from the caller's {@link Settings} and the injected clock: a BMC that stays
 * unreachable, or a power state that never arrives, fails the procedure with a message naming the
 * step, the BMC and what it last said.
 */
final class HostProcedures {
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";
  private static final Logger LOG = LoggerFactory.getLogger(HostProcedures.class);
  private static final int HISTORY_LIMIT = 10;
  /** Steps a single advance may complete when the BMC answers at once. */
  private static final int STEPS_PER_ADVANCE = 4;
  private static final Duration FORGET_UNCLAIMED = Duration.ofMinutes(15);

  /** How one host is (re)installed and how long each part may take. */
  record Settings(BootDevice device, String image, boolean uefi, Duration callTimeout, Duration powerTimeout, Duration provisionTimeout) {
    Settings {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(callTimeout, "callTimeout");
      Objects.requireNonNull(powerTimeout, "powerTimeout");
      Objects.requireNonNull(provisionTimeout, "provisionTimeout");
    }

    boolean virtualMedia() {
      return device == BootDevice.CD;
    }
  }

  /** Where a host's procedure stands after an advance. */
  record Progress(String outcome, String message, BareMetalHost host) {
    boolean running() {
      return RUNNING.equals(outcome);
    }

    boolean succeeded() {
      return SUCCEEDED.equals(outcome);
    }
  }

  /** The result of one step's BMC work. */
  private sealed interface Outcome {
    record Done(String call, String taskMonitor, HostPower observed) implements Outcome {}

    record NotYet(String observed, HostPower power) implements Outcome {}

    record Error(BmcException error) implements Outcome {}

    record Refused(String message) implements Outcome {}
  }

  private record Pending(CompletableFuture<Outcome> result, Instant launchedAt) {}

  private final HostInventory inventory;
  private final BmcConnector bmcs;
  private final Clock clock;
  private final Executor executor;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  HostProcedures(HostInventory inventory, BmcConnector bmcs, Clock clock, Executor executor) {
    this.inventory = Objects.requireNonNull(inventory, "inventory");
    this.bmcs = Objects.requireNonNull(bmcs, "bmcs");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Records that {@code procedure} starts on the host for {@code run}, unless that is already what
   * the host's last action is (ensure). The previous last action moves to the history.
   */
  BareMetalHost begin(BareMetalHost host, HostProcedure procedure, String run, Settings settings, String why) throws ActionFailedException {
    HostActionStatus last = host.getStatus() == null ? null : host.getStatus().lastAction;
    if (last != null && run.equals(last.run) && procedure.display.equals(last.action)) return host;
    if (settings.virtualMedia() && settings.image() == null && procedure != HostProcedure.RETIRE && procedure != HostProcedure.POWER_CYCLE) {
      throw new ActionFailedException("BareMetalHost " + name(host) + ": bootTarget virtualMedia needs an image (metal.image or the host's spec.provisioning.image)");
    }
    List<String> steps = procedure.steps(settings.virtualMedia()).stream().map(s -> s.display).toList();
    String now = inventory.now();
    LOG.info("host {}: {} for run {} ({}): {}", name(host), procedure.display, run, why, steps);
    return inventory.update(host.getMetadata().getNamespace(), host.getMetadata().getName(), s -> {
      pushHistory(s);
      HostActionStatus a = new HostActionStatus();
      a.action = procedure.display;
      a.run = run;
      a.steps = steps;
      a.stepsDone = new ArrayList<>();
      a.step = steps.getFirst();
      a.outcome = RUNNING;
      a.reason = why;
      a.message = "started";
      a.startedAt = now;
      a.stepStartedAt = now;
      s.lastAction = a;
      s.state = procedure.during;
    });
  }

  /**
   * Moves the host's procedure for {@code run} on as far as the BMC has answered, starting the
   * next BMC call when there is one to make. Never waits for a BMC.
   *
   * @throws ActionFailedException when the host is gone or another run has taken it over
   */
  Progress advance(String namespace, String hostName, String run, Settings settings) throws ActionFailedException {
    evictForgotten();
    for (int done = 0; ; done++) {
      BareMetalHost host = inventory.get(namespace, hostName)
          .orElseThrow(() -> new ActionFailedException("BareMetalHost " + namespace + "/" + hostName + " was deleted while the operator acted on it"));
      HostActionStatus a = host.getStatus() == null ? null : host.getStatus().lastAction;
      if (a == null || !run.equals(a.run)) {
        throw new ActionFailedException("BareMetalHost " + namespace + "/" + hostName + " is no longer this run's: its last action is "
            + (a == null ? "none" : a.action + " of run " + a.run));
      }
      if (!RUNNING.equals(a.outcome)) return new Progress(a.outcome, describe(host, a) + ": " + a.message, host);
      if (done >= STEPS_PER_ADVANCE) return new Progress(RUNNING, describe(host, a) + ": step " + a.step, host);
      HostProcedure procedure = HostProcedure.parse(a.action);
      Step step = Step.parse(a.step);
      String key = host.getMetadata().getUid() + "/" + run + "/" + a.step + "/" + Objects.requireNonNullElse(a.taskMonitor, "");
      Pending call = pending.computeIfAbsent(key, k -> new Pending(launch(host, step, a.taskMonitor, settings), clock.instant()));
      if (!call.result().isDone()) {
        return new Progress(RUNNING, describe(host, a) + ": step " + a.step + ": waiting for the BMC", host);
      }
      pending.remove(key);
      Outcome outcome = call.result().join();
      Duration limit = limit(procedure, step, settings);
      Duration elapsed = Duration.between(parse(a.stepStartedAt, clock.instant()), clock.instant());
      switch (outcome) {
        case Outcome.Done d when d.taskMonitor() != null -> record(host, s -> {
          s.lastAction.taskMonitor = d.taskMonitor();
          s.lastAction.message = d.call() + ": accepted; following task " + d.taskMonitor();
        });
        case Outcome.Done d -> {
          BareMetalHost after = stepDone(host, procedure, step, d);
          HostActionStatus next = after.getStatus().lastAction;
          if (!RUNNING.equals(next.outcome)) return new Progress(next.outcome, describe(after, next) + ": " + next.message, after);
        }
        case Outcome.NotYet n -> {
          if (elapsed.compareTo(limit) > 0) {
            return fail(host, procedure, "step " + step.display + ": " + bmcName(host) + " still reports " + n.observed()
                + " after " + elapsed.toSeconds() + "s (limit " + limit.toSeconds() + "s)");
          }
          BareMetalHost after = note(host, n.power(), "step " + step.display + ": " + n.observed());
          return new Progress(RUNNING, describe(after, after.getStatus().lastAction) + ": step " + step.display + ": " + n.observed(), after);
        }
        case Outcome.Error e when e.error().isTransient() && elapsed.compareTo(limit) <= 0 -> {
          BareMetalHost after = note(host, null, "step " + step.display + ": will retry: " + e.error().getMessage());
          return new Progress(RUNNING, describe(after, after.getStatus().lastAction) + ": step " + step.display + ": will retry: "
              + e.error().getMessage(), after);
        }
        case Outcome.Error e -> {
          String why = e.error().isTransient() ? " (retried for " + elapsed.toSeconds() + "s, limit " + limit.toSeconds() + "s)" : "";
          return fail(host, procedure, "step " + step.display + ": " + e.error().getMessage() + why);
        }
        case Outcome.Refused r -> {
          return fail(host, procedure, "step " + step.display + ": " + r.message());
        }
      }
    }
  }

  /** Marks the host's procedure of {@code run} failed with {@code why}, e.g. when its run was given up. */
  Progress fail(BareMetalHost host, HostProcedure procedure, String why) {
    LOG.warn("host {}: {} failed: {}", name(host), procedure.display, why);
    BareMetalHost after = record(host, s -> {
      s.lastAction.outcome = FAILED;
      s.lastAction.message = why;
      s.lastAction.finishedAt = inventory.now();
      s.lastAction.taskMonitor = null;
      s.state = procedure.afterFailure();
    });
    return new Progress(FAILED, describe(after, after.getStatus().lastAction) + ": " + why, after);
  }

  private BareMetalHost stepDone(BareMetalHost host, HostProcedure procedure, Step step, Outcome.Done done) {
    return record(host, s -> {
      HostActionStatus a = s.lastAction;
      if (a.stepsDone == null) a.stepsDone = new ArrayList<>();
      a.stepsDone.add(step.display + ": " + done.call());
      a.taskMonitor = null;
      if (done.observed() != null) s.powerState = done.observed().state().display();
      int index = a.steps.indexOf(step.display);
      if (index < 0 || index == a.steps.size() - 1) {
        a.step = "Done";
        a.outcome = SUCCEEDED;
        a.message = done.call();
        a.finishedAt = inventory.now();
        s.state = procedure.after();
      } else {
        a.step = a.steps.get(index + 1);
        a.stepStartedAt = inventory.now();
        a.message = step.display + " done: " + done.call();
      }
    });
  }

  /** Writes what the BMC last said, only when it changed: a poll that learns nothing costs no write. */
  private BareMetalHost note(BareMetalHost host, HostPower power, String message) {
    BareMetalHostStatus s = host.getStatus();
    String powerState = power == null ? s.powerState : power.state().display();
    if (Objects.equals(message, s.lastAction.message) && Objects.equals(powerState, s.powerState)) return host;
    return record(host, st -> {
      st.lastAction.message = message;
      st.powerState = powerState;
    });
  }

  private BareMetalHost record(BareMetalHost host, java.util.function.Consumer<BareMetalHostStatus> change) {
    return inventory.update(host.getMetadata().getNamespace(), host.getMetadata().getName(), change);
  }

  /** Starts the step's BMC work on the executor; every failure becomes an {@link Outcome}, never an exception. */
  private CompletableFuture<Outcome> launch(BareMetalHost host, Step step, String taskMonitor, Settings settings) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Bmc bmc = connect(host, settings);
        if (taskMonitor != null) {
          BmcTask task = bmc.task(taskMonitor);
          if (!task.finished()) return new Outcome.NotYet(task.message(), null);
          return task.succeeded() ? new Outcome.Done("task " + taskMonitor + ": " + task.message(), null, null)
              : new Outcome.Refused(bmc.describe() + ": task " + taskMonitor + ": " + task.message());
        }
        return switch (step) {
          case INSERT_MEDIA -> done(bmc.insertMedia(settings.image()));
          case SET_BOOT_ONCE -> done(bmc.bootOnce(settings.device(), settings.uefi()));
          case POWER_OFF -> {
            HostPower p = bmc.power();
            yield p.state() == PowerState.OFF ? new Outcome.Done("already Off", null, p) : done(bmc.power(PowerAction.FORCE_OFF));
          }
          case AWAIT_POWER_OFF -> {
            HostPower p = bmc.power();
            yield p.state() == PowerState.OFF ? new Outcome.Done("BMC reports Off", null, p) : new Outcome.NotYet(p.toString(), p);
          }
          case POWER_ON -> {
            HostPower p = bmc.power();
            yield p.state() == PowerState.ON ? new Outcome.Done("already On", null, p) : done(bmc.power(PowerAction.ON));
          }
          case RESET -> {
            HostPower p = bmc.power();
            yield done(bmc.power(p.state() == PowerState.OFF ? PowerAction.ON : PowerAction.FORCE_RESTART));
          }
          case AWAIT_UP -> {
            HostPower p = bmc.power();
            yield p.up() ? new Outcome.Done("BMC reports " + p, null, p) : new Outcome.NotYet(p.toString(), p);
          }
        };
      } catch (BmcException e) {
        return new Outcome.Error(e);
      } catch (ActionFailedException | IllegalArgumentException e) {
        return new Outcome.Refused(e.getMessage());
      } catch (RuntimeException e) {
        // Reading the credentials Secret failed (API server unreachable): as transient as an unreachable BMC.
        return new Outcome.Error(new BmcException(Kind.UNREACHABLE, "BareMetalHost " + name(host) + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e));
      }
    }, executor);
  }

  private static Outcome done(BmcReply reply) {
    return new Outcome.Done(reply.call(), reply.taskMonitor(), null);
  }

  private Bmc connect(BareMetalHost host, Settings settings) throws ActionFailedException {
    var bmc = host.getSpec().bmc;
    if (bmc == null || bmc.protocol == null || bmc.address == null) {
      throw new ActionFailedException("BareMetalHost " + name(host) + " has no complete spec.bmc (address, protocol, credentialsSecret)");
    }
    return bmcs.connect(new BmcTarget(bmc.protocol, bmc.address, inventory.credentials(host), bmc.insecureSkipVerify, settings.callTimeout()));
  }

  /** How long a step may take: waiting for a host to come back from an install has its own, longer limit. */
  private static Duration limit(HostProcedure procedure, Step step, Settings settings) {
    boolean install = procedure == HostProcedure.PROVISION || procedure == HostProcedure.REPROVISION;
    return step == Step.AWAIT_UP && install ? settings.provisionTimeout() : settings.powerTimeout();
  }

  private static void pushHistory(BareMetalHostStatus s) {
    if (s.lastAction == null) return;
    if (s.history == null) s.history = new ArrayList<>();
    s.history.addFirst(s.lastAction);
    while (s.history.size() > HISTORY_LIMIT) s.history.removeLast();
  }

  private void evictForgotten() {
    Instant cutoff = clock.instant().minus(FORGET_UNCLAIMED);
    pending.values().removeIf(p -> p.result().isDone() && p.launchedAt().isBefore(cutoff));
  }

  private static Instant parse(String time, Instant fallback) {
    try {
      return time == null ? fallback : Instant.parse(time);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static String describe(BareMetalHost host, HostActionStatus a) {
    return a.action + " of host " + host.getMetadata().getName();
  }

  private static String bmcName(BareMetalHost host) {
    var bmc = host.getSpec().bmc;
    return bmc == null ? "its BMC" : (bmc.protocol == null ? "" : bmc.protocol + " ") + "BMC " + bmc.address;
  }

  static String name(BareMetalHost host) {
    return host.getMetadata().getNamespace() + "/" + host.getMetadata().getName();
  }
}

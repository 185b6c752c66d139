package dev.escalator.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import java.util.List;
import java.util.Map;

/**
 * JOSDK's reconcile metrics on simpleclient, given to the operator's configuration ({@code
 * withMetrics}). Labels are the controller's name, the kind of event and the outcome only: never a
 * resource's name, so the series do not grow with the number of Environments.
 *
 * <ul>
 *   <li>{@code escalator_reconciliations_started_total}, {@code _succeeded_total} and {@code
 *       _failed_total}: executions of a reconcile (the reconciler and JOSDK's own writes after it,
 *       e.g. the status patch) and how they ended; failed ones are retried by JOSDK with backoff.
 *       Counted here rather than from JOSDK's failure callback, which is not called for the last
 *       failed retry nor when a new event is already waiting. {@code _retries_total}: executions
 *       that were a retry;
 *   <li>{@code escalator_reconciliations_executing}: reconciles running now;
 *   <li>{@code escalator_reconcile_duration_seconds{controller,operation,outcome}}: the reconciler's
 *       own time, operation {@code reconcile} or {@code cleanup}, outcome {@code success} or {@code
 *       failure};
 *   <li>{@code escalator_controller_events_total{controller,event}}: events received, {@code Added},
 *       {@code Updated}, {@code Deleted} for the Environment itself and {@code Trigger} for the
 *       others (check verdicts, timers).
 * </ul>
 */
public final class ReconcileMetrics implements Metrics, AutoCloseable {
  static final List<String> EVENT_TYPES = List.of("Added", "Updated", "Deleted", "Trigger");
  private static final String UNKNOWN = "unknown";

  private final CollectorRegistry registry;
  private final Counter started;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter retries;
  private final Gauge executing;
  private final Histogram duration;
  private final Counter events;
  private final List<Collector> collectors;
  /** The execution running on this thread (JOSDK runs one execution per thread, start to finish), or null. */
  private final ThreadLocal<Execution> current = new ThreadLocal<>();

  private static final class Execution {
    final String controller;
    boolean succeeded;

    Execution(String controller) {
      this.controller = controller;
    }
  }

  public ReconcileMetrics(CollectorRegistry registry) {
    this.registry = registry;
    started = Counter.build("escalator_reconciliations_started_total", "Reconcile executions started.")
        .labelNames("controller").register(registry);
    succeeded = Counter.build("escalator_reconciliations_succeeded_total", "Reconciles that finished without an exception.")
        .labelNames("controller").register(registry);
    failed = Counter.build("escalator_reconciliations_failed_total", "Reconciles that failed (the reconciler or the status write threw); JOSDK retries them with backoff.")
        .labelNames("controller").register(registry);
    retries = Counter.build("escalator_reconciliations_retries_total", "Reconciles started as a retry of a failed one.")
        .labelNames("controller").register(registry);
    executing = Gauge.build("escalator_reconciliations_executing", "Reconciles running now.")
        .labelNames("controller").register(registry);
    duration = Histogram.build("escalator_reconcile_duration_seconds", "Time the reconciler took, by operation (reconcile, cleanup) and outcome (success, failure).")
        .labelNames("controller", "operation", "outcome")
        .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    events = Counter.build("escalator_controller_events_total", "Events received by a controller: Added, Updated, Deleted (the resource itself) or Trigger (others).")
        .labelNames("controller", "event").register(registry);
    collectors = List.of(started, succeeded, failed, retries, executing, duration, events);
  }

  /** Every series of the controller starts at 0, so that rate() and increase() see the first failure too. */
  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    String name = controller.getConfiguration().getName();
    for (Counter c : List.of(started, succeeded, failed, retries)) c.labels(name);
    executing.labels(name);
    for (String type : EVENT_TYPES) events.labels(name, type);
    for (String outcome : List.of("success", "failure")) duration.labels(name, "reconcile", outcome);
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    String type = event instanceof ResourceEvent re ? switch (re.getAction()) {
      case ADDED -> "Added";
      case UPDATED -> "Updated";
      case DELETED -> "Deleted";
    } : "Trigger";
    events.labels(controller(metadata), type).inc();
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    if (retryInfo != null && retryInfo.getAttemptCount() > 0) retries.labels(controller(metadata)).inc();
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    Execution e = new Execution(controller(metadata));
    current.set(e);
    started.labels(e.controller).inc();
    executing.labels(e.controller).inc();
  }

  /** Called on the execution's thread before it finishes, only when it succeeded. */
  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    Execution e = current.get();
    if (e != null) e.succeeded = true;
  }

  /** JOSDK also calls this when it skipped an execution (the resource was gone): nothing started, nothing counted. */
  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    Execution e = current.get();
    if (e == null) return;
    current.remove();
    executing.labels(e.controller).dec();
    (e.succeeded ? succeeded : failed).labels(e.controller).inc();
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    String outcome = "failure";
    try {
      T result = execution.execute();
      outcome = "success";
      return result;
    } finally {
      duration.labels(nonNull(execution.controllerName()), nonNull(execution.name()), outcome)
          .observe((System.nanoTime() - start) / 1e9);
    }
  }

  private static String controller(Map<String, Object> metadata) {
    Object name = metadata == null ? null : metadata.get(Constants.CONTROLLER_NAME);
    return name == null ? UNKNOWN : name.toString();
  }

  private static String nonNull(String s) {
    return s == null ? UNKNOWN : s;
  }

  @Override
  public void close() {
    collectors.forEach(registry::unregister);
  }
}

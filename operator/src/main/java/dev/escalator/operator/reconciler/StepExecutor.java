package dev.escalator.operator.reconciler;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionPoll;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.action.ActionTypes;
import dev.escalator.operator.action.BoundAction;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.ladder.Decision;
import dev.escalator.operator.ladder.Escalation;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Run;
import dev.escalator.operator.ladder.RunReport;
import dev.escalator.operator.ladder.RunState;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.metrics.EscalatorMetrics;
import dev.escalator.operator.spec.EnvironmentModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what a decision names: starts the current step's new runs and polls its running
 * ones through the bound action, and reports back. An {@link ActionFailedException} fails the run;
 * any other exception is transient: the run is left as it was and retried at the next reconcile.
 */
final class StepExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(StepExecutor.class);

  private final ActionTypes actions;
  private final EscalatorMetrics metrics;

  StepExecutor(ActionTypes actions, EscalatorMetrics metrics) {
    this.actions = actions;
    this.metrics = metrics;
  }

  /** Reports, transient errors and the nodes the polled actions reported, of one pass. */
  record Outcome(Map<Target, RunReport> reports, List<String> transientErrors, List<Node> nodes) {}

  /** {@code polled} collects the runs polled in this reconcile, so none is polled twice in one. */
  Outcome execute(Environment env, EnvironmentModel model, Decision decision, List<Node> inventory, Set<Target> polled) {
    Map<Target, RunReport> reports = new HashMap<>();
    List<String> errors = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    Escalation e = decision.state().escalation();
    List<Run> toStart = decision.runsToStart();
    List<Run> toPoll = decision.runsToPoll().stream().filter(r -> !polled.contains(r.target())).toList();
    if (toStart.isEmpty() && toPoll.isEmpty()) return new Outcome(reports, errors, nodes);
    String level = e.currentStep().level();
    BoundAction action = actions.bind(model.level(level).action);
    for (Run run : toStart) {
      ActionRequest request = request(env, e, level, run.target(), inventory);
      try {
        String handle = action.start(request);
        reports.put(run.target(), new RunReport(run.target(), RunState.RUNNING, handle, "started"));
        metrics.action(action.typeName(), "started");
      } catch (ActionFailedException ex) {
        reports.put(run.target(), new RunReport(run.target(), RunState.FAILED, null, ex.getMessage()));
        metrics.action(action.typeName(), "failed");
      } catch (RuntimeException ex) {
        errors.add(transientError(level, run.target(), "start", ex));
        metrics.action(action.typeName(), "error");
      }
    }
    for (Run run : toPoll) {
      polled.add(run.target());
      ActionRequest request = request(env, e, level, run.target(), inventory);
      try {
        ActionPoll poll = action.poll(request, run.handle());
        nodes.addAll(poll.progress().nodes());
        RunState state = switch (poll.state()) {
          case RUNNING -> RunState.RUNNING;
          case SUCCEEDED -> RunState.SUCCEEDED;
          case FAILED -> RunState.FAILED;
        };
        if (state != RunState.RUNNING) metrics.action(action.typeName(), state == RunState.SUCCEEDED ? "succeeded" : "failed");
        if (state != RunState.RUNNING || poll.replaces(run.handle()) || !poll.message().equals(run.message())) {
          reports.put(run.target(), new RunReport(run.target(), state, poll.handle(), poll.message()));
        }
      } catch (ActionFailedException ex) {
        reports.put(run.target(), new RunReport(run.target(), RunState.FAILED, run.handle(), ex.getMessage()));
        metrics.action(action.typeName(), "failed");
      } catch (RuntimeException ex) {
        errors.add(transientError(level, run.target(), "poll", ex));
        metrics.action(action.typeName(), "error");
      }
    }
    return new Outcome(reports, errors, nodes);
  }

  private static ActionRequest request(Environment env, Escalation e, String level, Target target, List<Node> inventory) {
    // attemptsTotal, not attempt: attempt restarts at 1 after a climb, and work names must never repeat.
    return new ActionRequest(env, e.id(), e.current(), e.attemptsTotal(), level, target, inventory);
  }

  private static String transientError(String level, Target target, String what, RuntimeException ex) {
    String message = "level " + level + " on " + target.key() + ": " + what + " failed: " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
    LOG.warn("{} (will retry)", message);
    return message;
  }

}

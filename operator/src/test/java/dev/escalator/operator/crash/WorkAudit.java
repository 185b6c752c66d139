package dev.escalator.operator.crash;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.StepStatus;
import dev.escalator.operator.action.JobAction;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads the final state of a run from the Kubernetes API: whether the escalation reached a final
 * state, and whether a Kubernetes-side or webhook action ran more than once. A Job name or an
 * Idempotency-Key names one step run, so work started twice shows as a second name.
 */
final class WorkAudit {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  WorkAudit(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  EnvironmentStatus status() {
    Environment e = client.resources(Environment.class).inNamespace(namespace).withName(name).get();
    return e == null ? null : e.getStatus();
  }

  /**
   * The final states a build can end in: Healthy with no escalation in progress, the last one
   * Converged, or Recovered: the checks passed during quiescence with no action taken. That is how
   * a run ends whose crash came before the escalation was first recorded: the dead instance's work
   * (project, network, servers) made the checks pass before a new escalation was due.
   */
  static final Set<String> FINAL = Set.of("Healthy/Converged", "Healthy/Recovered");

  /** The outcome (see {@link #outcome(EnvironmentStatus)}) when status shows a final state, else null. */
  String finalOutcome() {
    String outcome = outcome(status());
    return FINAL.contains(outcome) ? outcome : null;
  }

  /**
   * "phase/last escalation's outcome", with the step in progress if there is one. Read from one
   * status: right after an escalation the phase can show Pending for a moment (a check target
   * without a result yet), so a final state is judged on the status that showed it.
   */
  static String outcome(EnvironmentStatus s) {
    if (s == null) return "no status";
    String last = s.phase + "/" + (s.history.isEmpty() ? "no escalation recorded" : s.history.get(0).outcome);
    if (s.escalation == null) return last;
    var step = s.escalation.steps.size() > s.escalation.currentStep ? s.escalation.steps.get(s.escalation.currentStep) : null;
    return last + " (escalation " + s.escalation.id + " still in progress"
        + (step == null ? "" : " at " + step.level + ", " + step.state + ": " + step.message + ", runs " + runs(step)) + ")";
  }

  private static List<String> runs(StepStatus step) {
    return step.runs == null ? List.of() : step.runs.stream().map(r -> r.target + " " + r.state + " " + r.handle + " " + r.message).toList();
  }

  /** The level of the escalation's current step, or "none". */
  String currentLevel() {
    EnvironmentStatus s = status();
    if (s == null || s.escalation == null || s.escalation.steps.size() <= s.escalation.currentStep) return "none";
    return s.escalation.steps.get(s.escalation.currentStep).level;
  }

  /**
   * Work started twice: more than one Job for one node at one level of one escalation, or more
   * than one webhook call (distinct Idempotency-Keys) for one escalation's redeploy. Work not done
   * at all is no duplicate: an escalation that found the checks passing after a restart (its
   * servers were booted before the crash) rightly skips converge and redeploy.
   */
  List<String> duplicates(List<String> deployKeys) {
    List<String> found = new ArrayList<>();
    Map<String, List<String>> jobs = client.batch().v1().jobs().inNamespace(namespace).list().getItems().stream()
        .collect(Collectors.groupingBy(WorkAudit::jobWork, TreeMap::new, Collectors.mapping(j -> j.getMetadata().getName(), Collectors.toList())));
    jobs.forEach((work, names) -> {
      if (names.size() > 1) found.add(names.size() + " Jobs for " + work + ": " + names);
    });
    Map<String, Set<String>> keys = deployKeys.stream()
        .collect(Collectors.groupingBy(WorkAudit::escalationOf, TreeMap::new, Collectors.toCollection(TreeSet::new)));
    keys.forEach((escalation, distinct) -> {
      if (distinct.size() > 1) found.add(distinct.size() + " webhook calls for escalation " + escalation + ": " + distinct);
    });
    return found;
  }

  /** "escalation/level/node" of a Job, from its labels and its node variable. */
  private static String jobWork(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    String node = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(v -> v.getName().equals("ESCALATOR_NODE_NAME")).map(EnvVar::getValue).findFirst().orElse("?");
    return labels.get(JobAction.ESCALATION_LABEL) + "/" + labels.get(JobAction.LEVEL_LABEL) + "/" + node;
  }

  /** The escalation id in a work name {@code <environment>-<escalation>-s<step>-a<attempt>}. */
  private static String escalationOf(String workName) {
    String[] parts = workName.split("-");
    return parts.length < 4 ? workName : parts[parts.length - 3];
  }

  /** Calls that repeated an earlier call's Idempotency-Key. */
  static int resends(List<String> deployKeys) {
    return deployKeys.size() - new LinkedHashSet<>(deployKeys).size();
  }
}

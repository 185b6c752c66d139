package dev.escalator.operator.action;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.JobActionSpec;
import dev.escalator.operator.ladder.Node;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the step as a batch/v1 Job named after the request's work name, in the Environment's
 * namespace and owned by it (deleting the Environment deletes its Jobs). Every container gets the
 * step's context as {@code ESCALATOR_*} environment variables.
 *
 * <p>Ensure semantics: a Job of that name left by an earlier start (the operator crashed before
 * recording it) is adopted, never duplicated. Handle: {@code job/<namespace>/<name>}.
 */
public final class JobAction implements ActionProvider<JobActionSpec> {
  public static final String ENVIRONMENT_LABEL = Environment.GROUP + "/environment";
  public static final String ESCALATION_LABEL = Environment.GROUP + "/escalation";
  public static final String LEVEL_LABEL = Environment.GROUP + "/level";
  /** Target keys contain '/', which label values may not, so the target is an annotation. */
  public static final String TARGET_ANNOTATION = Environment.GROUP + "/target";

  private static final String HANDLE_PREFIX = "job/";
  private static final int HTTP_UNPROCESSABLE = 422;
  private static final Pattern LABEL_VALUE_INVALID = Pattern.compile("[^A-Za-z0-9._-]");

  private final KubernetesClient client;

  public JobAction(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public String start(ActionRequest request, JobActionSpec spec) throws ActionFailedException {
    if (spec.template == null || spec.template.getSpec() == null
        || spec.template.getSpec().getContainers() == null || spec.template.getSpec().getContainers().isEmpty()) {
      throw new ActionFailedException("job.template.spec.containers must list at least one container");
    }
    String namespace = request.namespace();
    String name = request.workName();
    Job existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    if (existing == null) {
      try {
        client.batch().v1().jobs().inNamespace(namespace).resource(job(request, spec)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HTTP_UNPROCESSABLE) {
          // Invalid as specified (e.g. a bad pod template): retrying the same Job cannot help.
          throw new ActionFailedException("Job " + namespace + "/" + name + " was refused by the API server: "
              + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()), e);
        }
        // Another start for the same request created it first: that Job is ours, adopt it.
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) throw e;
        existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (existing == null) throw e;
      }
    }
    if (existing != null) requireOurs(existing, request);
    return HANDLE_PREFIX + namespace + "/" + name;
  }

  @Override
  public ActionProgress poll(ActionRequest request, JobActionSpec spec, String handle) throws ActionFailedException {
    String[] ref = parse(handle);
    String describe = "Job " + ref[0] + "/" + ref[1];
    Job job = client.batch().v1().jobs().inNamespace(ref[0]).withName(ref[1]).get();
    if (job == null) {
      return ActionProgress.failed(describe + " no longer exists: it was deleted before the step saw it finish");
    }
    JobStatus status = job.getStatus();
    if (status != null && status.getConditions() != null) {
      for (JobCondition c : status.getConditions()) {
        if (!"True".equals(c.getStatus())) continue;
        if ("Complete".equals(c.getType())) return ActionProgress.succeeded(describe + " completed");
        if ("Failed".equals(c.getType())) {
          return ActionProgress.failed(describe + " failed: " + Objects.requireNonNullElse(c.getReason(), "no reason")
              + (c.getMessage() == null ? "" : ": " + c.getMessage()));
        }
      }
    }
    return ActionProgress.running(describe + " running: "
        + count(status == null ? null : status.getActive()) + " active, "
        + count(status == null ? null : status.getSucceeded()) + " succeeded, "
        + count(status == null ? null : status.getFailed()) + " failed pods");
  }

  /** The Job for {@code request}: the spec's pod template plus labels, owner and context variables. */
  Job job(ActionRequest request, JobActionSpec spec) {
    PodTemplateSpec template = client.getKubernetesSerialization().clone(spec.template);
    Map<String, String> labels = labels(request);
    if (template.getMetadata() == null) template.setMetadata(new ObjectMeta());
    Map<String, String> podLabels = new HashMap<>(Objects.requireNonNullElse(template.getMetadata().getLabels(), Map.of()));
    podLabels.putAll(labels);
    template.getMetadata().setLabels(podLabels);
    if (template.getSpec().getRestartPolicy() == null || template.getSpec().getRestartPolicy().isBlank()) {
      // Jobs accept only Never or OnFailure; Never leaves each failed pod for inspection.
      template.getSpec().setRestartPolicy("Never");
    }
    List<EnvVar> context = contextVariables(request);
    Stream.concat(
            template.getSpec().getContainers().stream(),
            Objects.requireNonNullElse(template.getSpec().getInitContainers(), List.<Container>of()).stream())
        .forEach(c -> c.setEnv(withContext(c.getEnv(), context)));

    Environment env = request.environment();
    return new JobBuilder()
        .withNewMetadata()
            .withName(request.workName())
            .withNamespace(request.namespace())
            .withLabels(labels)
            .addToAnnotations(TARGET_ANNOTATION, request.target().key())
            .addToOwnerReferences(new OwnerReferenceBuilder()
                .withApiVersion(env.getApiVersion() == null ? Environment.GROUP + "/" + Environment.VERSION : env.getApiVersion())
                .withKind(env.getKind() == null ? "Environment" : env.getKind())
                .withName(env.getMetadata().getName())
                .withUid(env.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
            .withBackoffLimit(spec.backoffLimit)
            .withTtlSecondsAfterFinished(spec.ttlSecondsAfterFinished)
            .withTemplate(template)
        .endSpec()
        .build();
  }

  /** The context every container receives, also documented on JobActionSpec.template. */
  static List<EnvVar> contextVariables(ActionRequest request) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("ESCALATOR_ENVIRONMENT", request.environmentName());
    vars.put("ESCALATOR_NAMESPACE", request.namespace());
    vars.put("ESCALATOR_LEVEL", request.level());
    vars.put("ESCALATOR_ESCALATION_ID", request.escalationId());
    vars.put("ESCALATOR_ATTEMPT", Integer.toString(request.attempt()));
    vars.put("ESCALATOR_TARGET", request.target().key());
    if (request.target().tier() != null) vars.put("ESCALATOR_TIER", request.target().tier());
    if (request.target().node() != null) {
      vars.put("ESCALATOR_NODE_NAME", request.target().node());
      request.inventory().stream()
          .filter(n -> n.name().equals(request.target().node()))
          .map(Node::address)
          .findFirst()
          .ifPresent(address -> vars.put("ESCALATOR_NODE_ADDRESS", address));
    }
    return vars.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
  }

  private static List<EnvVar> withContext(List<EnvVar> own, List<EnvVar> context) {
    // The context wins over a same-named variable in the template: it describes this run, which
    // the template, written once for every run, cannot know.
    List<EnvVar> merged = new ArrayList<>();
    if (own != null) {
      own.stream().filter(v -> context.stream().noneMatch(c -> c.getName().equals(v.getName()))).forEach(merged::add);
    }
    merged.addAll(context);
    return merged;
  }

  private static Map<String, String> labels(ActionRequest request) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ENVIRONMENT_LABEL, labelValue(request.environmentName()));
    labels.put(ESCALATION_LABEL, labelValue(request.escalationId()));
    labels.put(LEVEL_LABEL, labelValue(request.level()));
    return labels;
  }

  /** Label values allow fewer characters than level names and escalation ids might use. */
  static String labelValue(String value) {
    String cleaned = LABEL_VALUE_INVALID.matcher(value).replaceAll("_");
    if (cleaned.length() > 63) cleaned = cleaned.substring(0, 63);
    return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }

  /** A same-named Job that is not this environment's is someone else's work: never adopt it. */
  private static void requireOurs(Job job, ActionRequest request) throws ActionFailedException {
    Map<String, String> labels = Objects.requireNonNullElse(job.getMetadata().getLabels(), Map.of());
    if (!labelValue(request.environmentName()).equals(labels.get(ENVIRONMENT_LABEL))) {
      throw new ActionFailedException("Job " + request.namespace() + "/" + request.workName()
          + " exists but was not created by Escalator for Environment " + request.environmentName());
    }
  }

  private static String[] parse(String handle) throws ActionFailedException {
    String[] parts = handle != null && handle.startsWith(HANDLE_PREFIX)
        ? handle.substring(HANDLE_PREFIX.length()).split("/", -1)
        : new String[0];
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new ActionFailedException("not a job handle: " + handle);
    }
    return parts;
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}

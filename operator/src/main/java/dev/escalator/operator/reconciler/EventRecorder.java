package dev.escalator.operator.reconciler;

import dev.escalator.operator.api.Environment;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about an Environment. Failing to record an Event never fails a reconcile:
 * Events are a courtesy to humans, status is the record.
 */
public class EventRecorder {
  public static final String COMPONENT = "escalator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(Environment env, String reason, String message) {
    record(env, "Normal", reason, message);
  }

  public void warning(Environment env, String reason, String message) {
    record(env, "Warning", reason, message);
  }

  void record(HasMetadata about, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String name = about.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    var event = new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(about.getMetadata().getNamespace()).endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(about.getApiVersion())
        .withKind(about.getKind())
        .withName(about.getMetadata().getName())
        .withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid())
        .withResourceVersion(about.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(Conditions.truncate(message))
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} for {}/{}: {}", reason, about.getMetadata().getNamespace(), about.getMetadata().getName(), e.getMessage());
    }
    LOG.info("{}/{} {} {}: {}", about.getMetadata().getNamespace(), about.getMetadata().getName(), type, reason, message);
  }
}

package dev.escalator.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One service's whole stack: its checks, its escalation ladder and its inventory. */
@Group(Environment.GROUP)
@Version(Environment.VERSION)
@ShortNames({"env", "envs"})
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Level", jsonPath = ".status.level", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Healthy", jsonPath = ".status.healthyChecks", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last-Escalation", jsonPath = ".status.lastEscalationTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Environment extends CustomResource<EnvironmentSpec, EnvironmentStatus> implements Namespaced {
  public static final String GROUP = "escalator.dev";
  public static final String VERSION = "v1alpha1";

  /** Annotation whose value approves a pending level: {@code <escalation-id>} or {@code <escalation-id>/<level>}. */
  public static final String APPROVE_ANNOTATION = GROUP + "/approve";
  /** Annotation whose value, the id of an exhausted escalation, resets the environment so it may act again. */
  public static final String RESET_ANNOTATION = GROUP + "/reset";

  @Override
  protected EnvironmentSpec initSpec() {
    return new EnvironmentSpec();
  }

  @Override
  protected EnvironmentStatus initStatus() {
    return new EnvironmentStatus();
  }
}

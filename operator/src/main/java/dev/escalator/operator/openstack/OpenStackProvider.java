package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionType;
import dev.escalator.operator.api.OpenStackProbeSpec;
import dev.escalator.operator.check.CheckType;
import dev.escalator.operator.check.ProbeResult;
import dev.escalator.operator.spec.EnvironmentDirectory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Registers the OpenStack provider: its action type and check type, and Secrets read through Kubernetes. */
public final class OpenStackProvider {
  public static final String TYPE = "openstack";

  private OpenStackProvider() {}

  public static ActionType<?> actionType(OpenStackClouds clouds) {
    return new ActionType<>(TYPE, spec -> spec.openstack, new OpenStackAction(clouds));
  }

  /** The check type; with null {@code clouds} (validation only), every probe is ERROR. */
  public static CheckType<OpenStackProbeSpec> checkType(OpenStackClouds clouds, EnvironmentDirectory directory) {
    OpenStackProbe probe = clouds == null ? null : new OpenStackProbe(clouds, directory::get);
    return new CheckType<>(TYPE, OpenStackProbeSpec.class, c -> c.openstack,
        probe != null ? probe : (spec, timeout) -> ProbeResult.error("openstack: no OpenStack provider configured"),
        OpenStackProbe::bind);
  }

  /** Secrets of the Environment's namespace, decoded (data and stringData). */
  public static OpenStackClouds.SecretSource secrets(KubernetesClient client) {
    return (namespace, name) -> {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret == null) return Optional.empty();
      Map<String, String> out = new HashMap<>();
      if (secret.getData() != null) {
        secret.getData().forEach((k, v) -> out.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (secret.getStringData() != null) out.putAll(secret.getStringData());
      return Optional.of(out);
    };
  }
}

package dev.escalator.operator.metal;

import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostSpec;
import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.api.BmcSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.HostProvisioningSpec;
import dev.escalator.operator.api.MetalActionSpec;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/** BareMetalHosts, their credentials Secret, and the requests the metal tests act for. */
final class Hosts {
  static final String NAMESPACE = "metal";
  static final String ENVIRONMENT = "storefront";
  static final String UID = "0b6c3a55-0000-4000-8000-00000000beef";
  static final String POOL = "web";
  static final String SECRET = "bmc-login";
  static final String USER = "escalator";
  static final String PASSWORD = "bmc-pa55-never-shown";

  private Hosts() {}

  static void createSecret(KubernetesClient client) {
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(SECRET).withNamespace(NAMESPACE).endMetadata()
        .withStringData(Map.of("username", USER, "password", PASSWORD))
        .build()).create();
  }

  static BareMetalHost host(String name, BmcProtocol protocol, String bmcAddress, String address) {
    BareMetalHost host = new BareMetalHost();
    host.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    BareMetalHostSpec spec = new BareMetalHostSpec();
    spec.bmc = new BmcSpec();
    spec.bmc.address = bmcAddress;
    spec.bmc.protocol = protocol;
    spec.bmc.credentialsSecret = SECRET;
    spec.address = address;
    spec.pool = POOL;
    spec.bootMACAddress = "52:54:00:00:00:" + String.format("%02x", Math.abs(name.hashCode()) % 256);
    spec.provisioning = new HostProvisioningSpec();
    host.setSpec(spec);
    return host;
  }

  static BareMetalHost create(KubernetesClient client, BareMetalHost host) {
    return client.resources(BareMetalHost.class).inNamespace(NAMESPACE).resource(host).create();
  }

  static BareMetalHost get(KubernetesClient client, String name) {
    return client.resources(BareMetalHost.class).inNamespace(NAMESPACE).withName(name).get();
  }

  static Environment environment() {
    Environment env = new Environment();
    env.setMetadata(new ObjectMetaBuilder().withName(ENVIRONMENT).withNamespace(NAMESPACE).withUid(UID).build());
    return env;
  }

  static MetalActionSpec spec() {
    MetalActionSpec spec = new MetalActionSpec();
    spec.pool = POOL;
    return spec;
  }

  static ActionRequest forNode(String node, String escalationId, int attempt) {
    return new ActionRequest(environment(), escalationId, 1, attempt, "repair-host", Target.node("web", node),
        List.of(new Node("web-1", "web", "10.0.0.11"), new Node("web-2", "web", "10.0.0.12")));
  }

  static ActionRequest forTier(String tier, int size) {
    List<Node> nodes = java.util.stream.IntStream.rangeClosed(1, size).mapToObj(i -> new Node(tier + "-" + i, tier, null)).toList();
    return new ActionRequest(environment(), "e1", 1, 1, "build-tier", Target.tier(tier), nodes);
  }
}

package dev.escalator.operator.metal;

import static dev.escalator.operator.metal.Hosts.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.metal.HostInventory.Claimant;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hosts held by an Environment that is gone return to their pool; hosts of a live one stay held. */
@EnableKubernetesMockClient(crud = true)
class ClaimReleaserMockTest {
  static KubernetesClient client;

  private final HostInventory inventory = new HostInventory(client, Clock.systemUTC());
  private final ClaimReleaser releaser = new ClaimReleaser(client, inventory, Duration.ofSeconds(30));
  private String uid;

  @BeforeEach
  void setUp() {
    Environment env = new Environment();
    env.setMetadata(new ObjectMetaBuilder().withName(Hosts.ENVIRONMENT).withNamespace(NAMESPACE).build());
    env.setSpec(new EnvironmentSpec());
    uid = client.resources(Environment.class).inNamespace(NAMESPACE).resource(env).create().getMetadata().getUid();
    Hosts.create(client, Hosts.host("h1", BmcProtocol.redfish, "https://bmc-1", "10.0.0.1"));
    inventory.claim(NAMESPACE, Hosts.POOL, null, Set.of(), null, new Claimant(Hosts.ENVIRONMENT, uid, "web", "web-1", "run-1"), HostState.provisioned)
        .orElseThrow();
  }

  @AfterEach
  void tearDown() {
    client.resources(BareMetalHost.class).inNamespace(NAMESPACE).delete();
    client.resources(Environment.class).inNamespace(NAMESPACE).delete();
  }

  @Test
  void aHostOfALiveEnvironmentStaysHeldAndIsLookedAtAgainLater() {
    UpdateControl<BareMetalHost> control = releaser.reconcile(Hosts.get(client, "h1"), null);

    assertThat(control.getScheduleDelay()).contains(30_000L);
    assertThat(Hosts.get(client, "h1").getStatus().claimedBy).isNotNull();
  }

  @Test
  void aHostOfADeletedEnvironmentReturnsToItsPool() {
    client.resources(Environment.class).inNamespace(NAMESPACE).withName(Hosts.ENVIRONMENT).delete();

    releaser.reconcile(Hosts.get(client, "h1"), null);

    BareMetalHost host = Hosts.get(client, "h1");
    assertThat(host.getStatus().claimedBy).isNull();
    assertThat(host.getStatus().state).isEqualTo(HostState.available);
  }

  @Test
  void aNewEnvironmentOfTheSameNameDoesNotInheritTheClaim() {
    client.resources(Environment.class).inNamespace(NAMESPACE).withName(Hosts.ENVIRONMENT).delete();
    Environment again = new Environment();
    again.setMetadata(new ObjectMetaBuilder().withName(Hosts.ENVIRONMENT).withNamespace(NAMESPACE).build());
    again.setSpec(new EnvironmentSpec());
    client.resources(Environment.class).inNamespace(NAMESPACE).resource(again).create();

    releaser.reconcile(Hosts.get(client, "h1"), null);

    assertThat(Hosts.get(client, "h1").getStatus().claimedBy).isNull();
  }

  @Test
  void anUnclaimedHostIsLeftAlone() {
    inventory.release(NAMESPACE, "h1", "test");
    String version = Hosts.get(client, "h1").getMetadata().getResourceVersion();

    UpdateControl<BareMetalHost> control = releaser.reconcile(Hosts.get(client, "h1"), null);

    assertThat(control.getScheduleDelay()).isEmpty();
    assertThat(Hosts.get(client, "h1").getMetadata().getResourceVersion()).isEqualTo(version);
  }
}

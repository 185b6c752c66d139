package dev.escalator.operator.metal;

import static dev.escalator.operator.metal.Hosts.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.metal.HostInventory.Claimant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Claims and releases on the in-process API server: two claimants never get one host. */
@EnableKubernetesMockClient(crud = true)
class HostInventoryMockTest {
  static KubernetesClient client;

  private final HostInventory inventory = new HostInventory(client, Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC));

  @AfterEach
  void tearDown() {
    client.resources(BareMetalHost.class).inNamespace(NAMESPACE).delete();
    client.secrets().inNamespace(NAMESPACE).delete();
  }

  private static Claimant claimant(String environment, String node) {
    return new Claimant(environment, environment + "-uid", "web", node, environment + "-e1-s1-a1");
  }

  private static void host(String name, String pool, Map<String, String> labels) {
    BareMetalHost host = Hosts.host(name, BmcProtocol.redfish, "https://bmc-" + name, "10.0.0." + name.length());
    host.getSpec().pool = pool;
    host.getSpec().labels = labels;
    Hosts.create(client, host);
  }

  @Test
  void aClaimOfAHostWrittenSinceItWasReadIsRefusedByTheApiServer() {
    host("h1", "web", null);
    BareMetalHost stale = Hosts.get(client, "h1");
    inventory.update(NAMESPACE, "h1", s -> s.powerState = "On"); // someone else writes after our read

    assertThat(inventory.tryClaim(stale, claimant("shop", "web-1"), HostState.claimed)).isFalse();
    assertThat(Hosts.get(client, "h1").getStatus().claimedBy).isNull();
    assertThat(inventory.tryClaim(Hosts.get(client, "h1"), claimant("shop", "web-1"), HostState.claimed)).isTrue();
  }

  @Test
  void claimsTheFirstAvailableHostOfThePoolMatchingTheSelector() {
    host("a-other-pool", "db", null);
    host("b-small", "web", Map.of("disk", "small"));
    host("c-large", "web", Map.of("disk", "large"));
    host("d-large", "web", Map.of("disk", "large"));

    BareMetalHost claimed = inventory.claim(NAMESPACE, "web", Map.of("disk", "large"), Set.of(), null, claimant("shop", "web-1"), HostState.claimed).orElseThrow();

    assertThat(claimed.getMetadata().getName()).isEqualTo("c-large");
    assertThat(claimed.getStatus().state).isEqualTo(HostState.claimed);
    assertThat(claimed.getStatus().claimedBy.environment).isEqualTo("shop");
    assertThat(claimed.getStatus().claimedBy.node).isEqualTo("web-1");
    assertThat(claimed.getStatus().claimedBy.run).isEqualTo("shop-e1-s1-a1");
    assertThat(claimed.getStatus().claimedBy.claimedAt).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(claimed.getStatus().conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Claimed");
      assertThat(c.getStatus()).isEqualTo("True");
    });
    assertThat(inventory.heldBy(NAMESPACE, claimant("shop", "web-1"))).extracting(h -> h.getMetadata().getName()).containsExactly("c-large");
    assertThat(inventory.claim(NAMESPACE, "web", Map.of("disk", "large"), Set.of("d-large"), null, claimant("shop", "web-2"), HostState.claimed))
        .as("the only other large host is excluded").isEmpty();
  }

  @Test
  void aPreferredHostIsClaimedFirst() {
    host("a", "web", null);
    host("web-7", "web", null);

    assertThat(inventory.claim(NAMESPACE, "web", null, Set.of(), "web-7", claimant("shop", "web-7"), HostState.claimed))
        .map(h -> h.getMetadata().getName()).contains("web-7");
  }

  @Test
  void racingClaimantsNeverShareAHost() throws Exception {
    for (int i = 1; i <= 3; i++) host("h" + i, "web", null);
    int claimants = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<Optional<BareMetalHost>>> tasks = new ArrayList<>();
    for (int i = 0; i < claimants; i++) {
      Claimant c = claimant("env-" + i, "web-1");
      // Each claimant has its own inventory, as two operator replicas would.
      HostInventory own = new HostInventory(client, Clock.systemUTC());
      tasks.add(() -> {
        go.await();
        return own.claim(NAMESPACE, "web", null, Set.of(), null, c, HostState.claimed);
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(claimants);
    try {
      List<Future<Optional<BareMetalHost>>> futures = tasks.stream().map(pool::submit).toList();
      go.countDown();
      List<String> won = new ArrayList<>();
      for (Future<Optional<BareMetalHost>> f : futures) f.get().ifPresent(h -> won.add(h.getMetadata().getName()));

      assertThat(won).as("three hosts, eight claimants: three claims, all different").hasSize(3).doesNotHaveDuplicates();
      assertThat(inventory.list(NAMESPACE)).allSatisfy(h -> assertThat(h.getStatus().claimedBy).isNotNull());
      assertThat(inventory.list(NAMESPACE).stream().map(h -> h.getStatus().claimedBy.environment).distinct()).hasSize(3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void releaseReturnsTheHostToItsPool() {
    host("h1", "web", null);
    inventory.claim(NAMESPACE, "web", null, Set.of(), null, claimant("shop", "web-1"), HostState.claimed).orElseThrow();

    BareMetalHost released = inventory.release(NAMESPACE, "h1", "environment shop was deleted");

    assertThat(released.getStatus().claimedBy).isNull();
    assertThat(released.getStatus().state).isEqualTo(HostState.available);
    assertThat(inventory.heldBy(NAMESPACE, claimant("shop", "web-1"))).isEmpty();
    assertThat(inventory.claim(NAMESPACE, "web", null, Set.of(), null, claimant("other", "web-1"), HostState.claimed)).isPresent();
  }

  @Test
  void credentialsComeFromTheSecretAndAMissingOneIsNamed() throws Exception {
    host("h1", "web", null);
    BareMetalHost host = Hosts.get(client, "h1");

    assertThatThrownBy(() -> inventory.credentials(host))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("Secret metal/bmc-login (spec.bmc.credentialsSecret of BareMetalHost h1) not found");
    Hosts.createSecret(client);
    BmcCredentials credentials = inventory.credentials(host);
    assertThat(credentials.username()).isEqualTo(Hosts.USER);
    assertThat(credentials.password()).isEqualTo(Hosts.PASSWORD);
    assertThat(credentials.toString()).doesNotContain(Hosts.PASSWORD);
  }
}

package dev.escalator.operator.metal;

import static dev.escalator.operator.metal.Hosts.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.EscalationRecordStatus;
import dev.escalator.operator.api.NodeStatus;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.metal.RedfishTestService.Repair;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole operator (JOSDK, reconciler, real HTTP checks, the metal action) on the in-process
 * Kubernetes API, with three hosts behind simulated Redfish BMCs. A Tier level gives the tier's
 * node a host; when that host breaks for good, the node level power-cycles it (attempt 1),
 * reprovisions it (attempt 2) and swaps in a spare (attempt 3), after which the node's address is
 * the spare's and its check passes.
 */
class MetalLadderMockTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private EscalatorOperator operator;
  private HttpServer front;
  private final Map<String, RedfishTestService> bmcs = new LinkedHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    Hosts.createSecret(client);
    for (String name : List.of("web-1", "spare-a", "spare-b")) {
      RedfishTestService bmc = new RedfishTestService(Hosts.USER, Hosts.PASSWORD);
      bmcs.put(name, bmc);
      Hosts.create(client, Hosts.host(name, BmcProtocol.redfish, bmc.address(), bmc.hostAddress()));
    }
    front = tierFront();
    operator = new EscalatorOperator(client,
        OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0), Clock.systemUTC(),
        new CollectorRegistry()).start();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    if (front != null) front.stop(0);
    bmcs.values().forEach(RedfishTestService::close);
    kube.close();
  }

  /**
   * What a tier-level check would watch: the tier has a provisioned host for each of its nodes.
   * (A metal host check type is future work; this small endpoint stands in for it.)
   */
  private HttpServer tierFront() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/tiers/", exchange -> {
      try (exchange) {
        String tier = exchange.getRequestURI().getPath().substring("/tiers/".length());
        boolean served = client.resources(BareMetalHost.class).inNamespace(NAMESPACE).list().getItems().stream()
            .anyMatch(h -> h.getStatus() != null && h.getStatus().claimedBy != null && tier.equals(h.getStatus().claimedBy.tier)
                && h.getStatus().state == HostState.provisioned);
        byte[] body = (served ? "served" : "no host").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(served ? 200 : 503, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
    return server;
  }

  private Environment environment() {
    String yaml = """
        apiVersion: escalator.dev/v1alpha1
        kind: Environment
        metadata: {name: %s, namespace: %s}
        spec:
          quiescence: 1s
          tiers:
            - {name: web, size: 1}
          escalation: {maxAttempts: 3, backoff: 1s, maxBackoff: 2s, verifyTimeout: 4s}
          ladder:
            - name: build-web
              scope: Tier
              quiescence: 1s
              timeout: 1m
              action: {metal: {pool: web}}
            - name: repair-host
              scope: Node
              quiescence: 1s
              timeout: 1m
              action: {metal: {pool: web, timeouts: {bmcCall: 5s, power: 30s, provision: 30s}}}
          checks:
            - name: tier-served
              scope: Tier
              escalatesTo: build-web
              periodSeconds: 1
              failureThreshold: 1
              http: {url: "http://127.0.0.1:%d/tiers/${tier}"}
            - name: web-health
              scope: Node
              escalatesTo: repair-host
              periodSeconds: 1
              failureThreshold: 1
              http: {url: "http://${node.address}/healthz"}
        """.formatted(Hosts.ENVIRONMENT, NAMESPACE, front.getAddress().getPort());
    return Serialization.unmarshal(yaml, Environment.class);
  }

  private EnvironmentStatus status() {
    Environment e = client.resources(Environment.class).inNamespace(NAMESPACE).withName(Hosts.ENVIRONMENT).get();
    return e == null ? null : e.getStatus();
  }

  private BareMetalHost host(String name) {
    return Hosts.get(client, name);
  }

  private NodeStatus node(String name) {
    EnvironmentStatus s = status();
    return s == null || s.inventory == null ? null : s.inventory.stream().filter(n -> name.equals(n.name)).findFirst().orElse(null);
  }

  @Test
  void aBrokenHostIsPowerCycledThenReprovisionedThenReplacedBySpareAcrossAttempts() throws Exception {
    client.resources(Environment.class).inNamespace(NAMESPACE).resource(environment()).create();

    // The tier is built: node web-1 gets the host named like it, provisioned from PXE.
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s).isNotNull();
      assertThat(s.phase).isEqualTo("Healthy");
      assertThat(s.history).isNotEmpty();
      assertThat(node("web-1")).isNotNull();
      assertThat(node("web-1").address).isEqualTo(bmcs.get("web-1").hostAddress());
    });
    assertThat(node("web-1").providerId).isEqualTo("baremetalhost/web-1");
    assertThat(host("web-1").getStatus().state).isEqualTo(HostState.provisioned);
    assertThat(bmcs.get("web-1").events()).startsWith("boot override Once Pxe", "reset ForceRestart", "boot Pxe");
    int escalationsBefore = status().history.size();
    bmcs.values().forEach(RedfishTestService::forget);

    // Its disk dies: only another host helps.
    bmcs.get("web-1").faultFixedBy(Repair.REPLACEMENT);

    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.history).hasSizeGreaterThan(escalationsBefore);
      assertThat(s.history.get(0).outcome).isEqualTo("Converged");
      assertThat(s.phase).isEqualTo("Healthy");
    });
    EscalationRecordStatus record = status().history.get(0);
    assertThat(record.startLevel).isEqualTo("repair-host");
    assertThat(record.attempts).isEqualTo(3);
    assertThat(record.trigger).extracting(f -> f.check).contains("web-health");

    // The node now lives on the spare, and its check passes there.
    NodeStatus web1 = node("web-1");
    assertThat(web1.address).isEqualTo(bmcs.get("spare-a").hostAddress());
    assertThat(web1.providerId).isEqualTo("baremetalhost/spare-a");
    assertThat(bmcs.get("spare-a").healthy()).isTrue();

    // What each BMC was asked, in order: power-cycle, reprovision, then retire; the spare is provisioned.
    String reset = "POST " + RedfishTestService.RESET;
    assertThat(bmcs.get("web-1").changes()).containsExactly(
        reset + " {\"ResetType\":\"ForceOff\"}",
        reset + " {\"ResetType\":\"On\"}",
        "PATCH " + RedfishTestService.SYSTEM + " {\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Pxe\",\"BootSourceOverrideMode\":\"UEFI\"}}",
        reset + " {\"ResetType\":\"ForceRestart\"}",
        reset + " {\"ResetType\":\"ForceOff\"}");
    assertThat(bmcs.get("spare-a").changes()).containsExactly(
        "PATCH " + RedfishTestService.SYSTEM + " {\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Pxe\",\"BootSourceOverrideMode\":\"UEFI\"}}",
        reset + " {\"ResetType\":\"ForceRestart\"}");
    assertThat(bmcs.get("spare-b").changes()).isEmpty();

    // And what the hosts' status records.
    BareMetalHost broken = host("web-1");
    assertThat(broken.getStatus().state).isEqualTo(HostState.failed);
    assertThat(broken.getStatus().claimedBy).isNull();
    assertThat(broken.getStatus().lastAction.action).isEqualTo("Retire");
    assertThat(broken.getStatus().history).extracting(a -> a.action + ":" + a.outcome)
        .startsWith("Reprovision:Succeeded", "PowerCycle:Succeeded");
    BareMetalHost spare = host("spare-a");
    assertThat(spare.getStatus().state).isEqualTo(HostState.provisioned);
    assertThat(spare.getStatus().claimedBy.node).isEqualTo("web-1");
    assertThat(Objects.requireNonNull(spare.getStatus().lastAction).action).isEqualTo("Provision");
  }
}

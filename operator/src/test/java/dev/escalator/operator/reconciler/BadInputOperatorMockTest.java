package dev.escalator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.spec.BadInputCorpus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole operator fed every Environment of the bad-input corpus at once, next to one valid
 * Environment: each bad one is marked invalid, naming its field, with one InvalidSpec Event; nothing
 * is probed or acted on for them (their URLs point at a local server that records every request,
 * their restart targets the shop Deployment); the valid one still becomes Healthy and the operator
 * stays ready.
 */
class BadInputOperatorMockTest {
  private static final String NS = "badinput";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private DemoService shop;
  private HttpServer sink;
  private final Queue<String> sinkRequests = new ConcurrentLinkedQueue<>();
  private EscalatorOperator operator;

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    shop = new DemoService(line -> {});
    sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sink.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    // Any request here means a bad Environment was probed or acted on; answer as a failing service would.
    sink.createContext("/", ex -> {
      sinkRequests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    sink.start();
    client.apps().deployments().inNamespace(NS).resource(DemoEnvironments.shopDeployment(NS)).create();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    sink.stop(0);
    shop.close();
    kube.close();
  }

  @Test
  void everyBadEnvironmentIsRejectedNamingItsFieldAndNothingIsDone() {
    List<BadInputCorpus.Entry> corpus = BadInputCorpus.entries();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
    String sinkUrl = "http://127.0.0.1:" + sink.getAddress().getPort();
    operator = new EscalatorOperator(client,
        OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0), Clock.systemUTC(),
        new CollectorRegistry()).start();

    for (BadInputCorpus.Entry entry : corpus) {
      Environment env = new BadInputCorpus.Entry(entry.file(), entry.yaml().replace(BadInputCorpus.SINK, sinkUrl),
          entry.field(), entry.message()).environment();
      env.getMetadata().setName(entry.name());
      env.getMetadata().setNamespace(NS);
      client.resources(Environment.class).inNamespace(NS).resource(env).create();
    }
    client.resources(Environment.class).inNamespace(NS).resource(DemoEnvironments.shop(NS, "good", shop.baseUrl())).create();

    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Map<String, Environment> byName = client.resources(Environment.class).inNamespace(NS).list().getItems().stream()
          .collect(Collectors.toMap(e -> e.getMetadata().getName(), e -> e));
      assertThat(byName.get("good").getStatus()).isNotNull();
      assertThat(byName.get("good").getStatus().phase).isEqualTo("Healthy");
      for (BadInputCorpus.Entry entry : corpus) {
        EnvironmentStatus s = byName.get(entry.name()).getStatus();
        assertThat(s).as(entry.file()).isNotNull();
        assertThat(s.phase).as(entry.file()).isEqualTo("Invalid");
        Condition valid = s.conditions.stream().filter(c -> c.getType().equals("Valid")).findFirst().orElseThrow();
        assertThat(valid.getStatus()).as(entry.file()).isEqualTo("False");
        assertThat(valid.getReason()).as(entry.file()).isEqualTo("Invalid");
        assertThat(valid.getMessage()).as(entry.file()).contains(entry.field() + ": ").contains(entry.message());
      }
    });

    Map<String, List<Event>> invalidEvents = client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "InvalidSpec".equals(e.getReason()))
        .collect(Collectors.groupingBy(e -> e.getInvolvedObject().getName()));
    for (BadInputCorpus.Entry entry : corpus) {
      assertThat(invalidEvents.get(entry.name())).as("InvalidSpec Event of %s", entry.file()).isNotEmpty()
          .allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).contains(entry.field());
          });
    }

    assertThat(sinkRequests).as("no bad Environment was probed, and no webhook was called").isEmpty();
    assertThat(shop.deploys()).as("the valid Environment needed no redeploy").isZero();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).as("no Job").isEmpty();
    Map<String, String> annotations = client.apps().deployments().inNamespace(NS).withName("shop").get()
        .getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations == null ? Map.of() : annotations).as("no rollout restart").doesNotContainKey("escalator.dev/restartedBy");
    assertThat(operator.isReady()).as("the operator is still ready").isTrue();
    System.out.printf("bad input: %d Environments applied, %d rejected, %d sink requests, %d Jobs, %d deploys%n",
        corpus.size(), corpus.size(), sinkRequests.size(), client.batch().v1().jobs().inNamespace(NS).list().getItems().size(),
        shop.deploys());
  }
}

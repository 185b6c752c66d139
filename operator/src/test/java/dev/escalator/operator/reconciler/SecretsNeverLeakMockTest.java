package dev.escalator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A whole-operator run in which Secrets hold distinctive values (an OpenStack password in
 * clouds.yaml, a wrong one, a webhook bearer token) and things fail (a wrong password, a webhook
 * answering 500). Afterwards none of the values, nor their base64, appears in the operator's log
 * output, any Environment's status, any Event, or the metrics text.
 */
class SecretsNeverLeakMockTest {
  private static final String NS = "secrets";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String PASSWORD = "Pw-7f3c9e1a-do-not-leak";
  private static final String WRONG_PASSWORD = "WrongPw-b41d27-do-not-leak";
  private static final String TOKEN = "tok-9d8e7f6a5b-do-not-leak";
  private static final String USER = "escalator-operator";
  private static final String CANARY = "canary-5e1d-log-capture";

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private PrintStream originalOut;
  private InProcessKubernetes kube;
  private KubernetesClient client;
  private OpenStackSimulator sim;
  private DemoService shop;
  private SimulatedControllers controllers;
  private HttpServer hooks;
  private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();
  private final CollectorRegistry registry = new CollectorRegistry();
  private EscalatorOperator operator;

  @BeforeEach
  void setUp() throws Exception {
    // slf4j-simple looks System.err up at each write: a tee captures the operator's log lines.
    originalErr = System.err;
    originalOut = System.out;
    System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut, captured), true, StandardCharsets.UTF_8));
    kube = new InProcessKubernetes();
    client = kube.client();
    sim = new OpenStackSimulator().start();
    sim.addUser(USER, PASSWORD, OpenStackSimulator.ADMIN_PROJECT, "admin");
    shop = new DemoService(line -> {});
    // Completes the converge level's Job, as a cluster would.
    controllers = new SimulatedControllers(client, NS, line -> {}).start();
    hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hooks.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    hooks.createContext("/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) authorizations.add(auth);
      ex.getRequestBody().readAllBytes();
      byte[] body = ("{\"error\": \"deploy backend down\"}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    hooks.start();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    controllers.close();
    hooks.stop(0);
    shop.close();
    sim.close();
    kube.close();
    System.setErr(originalErr);
    System.setOut(originalOut);
  }

  private String cloudsYaml() {
    StringBuilder y = new StringBuilder("clouds:\n");
    for (var cloud : Map.of("good", PASSWORD, "wrong", WRONG_PASSWORD).entrySet()) {
      y.append("  ").append(cloud.getKey()).append(":\n")
          .append("    auth:\n")
          .append("      auth_url: ").append(sim.identityEndpoint()).append('\n')
          .append("      username: ").append(USER).append('\n')
          .append("      password: ").append(cloud.getValue()).append('\n')
          .append("      project_name: ").append(OpenStackSimulator.ADMIN_PROJECT).append('\n')
          .append("      user_domain_name: ").append(OpenStackSimulator.DOMAIN).append('\n')
          .append("      project_domain_name: ").append(OpenStackSimulator.DOMAIN).append('\n')
          .append("    region_name: ").append(OpenStackSimulator.REGION).append('\n')
          .append("    interface: public\n")
          .append("    identity_api_version: 3\n");
    }
    return y.toString();
  }

  private Environment failingWebhook(String hooksUrl) {
    return Serialization.unmarshal("""
        apiVersion: escalator.dev/v1alpha1
        kind: Environment
        metadata: {name: hooks, namespace: %s}
        spec:
          quiescence: 1s
          escalation: {maxAttempts: 1, backoff: 1s, maxBackoff: 1s, verifyTimeout: 2s}
          ladder:
            - name: redeploy
              scope: Environment
              quiescence: 0s
              timeout: 30s
              action:
                webhook:
                  url: %s/deploy?env=${environment}
                  headersFromSecret: cd-token
          checks:
            - name: app
              escalatesTo: redeploy
              periodSeconds: 1
              failureThreshold: 1
              http: {url: "%s/healthz"}
        """.formatted(NS, hooksUrl, hooksUrl), Environment.class);
  }

  @Test
  void secretValuesAppearInNoLogStatusEventOrMetric() throws Exception {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(CloudEnvironments.SECRET).endMetadata()
        .addToStringData("clouds.yaml", cloudsYaml()).build()).create();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("cd-token").endMetadata()
        .addToStringData("Authorization", "Bearer " + TOKEN).build()).create();
    operator = new EscalatorOperator(client,
        OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(250)).withMetricsPort(0), Clock.systemUTC(), registry).start();

    String hooksUrl = "http://127.0.0.1:" + hooks.getAddress().getPort();
    Environment good = CloudEnvironments.sixLevels(NS, "cloud", "good", 1, shop.baseUrl());
    good.getSpec().ladder.get(5).action.webhook.headersFromSecret = "cd-token";
    client.resources(Environment.class).inNamespace(NS).resource(good).create();
    client.resources(Environment.class).inNamespace(NS).resource(CloudEnvironments.sixLevels(NS, "wrong", "wrong", 1, shop.baseUrl())).create();
    client.resources(Environment.class).inNamespace(NS).resource(failingWebhook(hooksUrl)).create();

    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      EnvironmentStatus cloud = status("cloud");
      assertThat(cloud).isNotNull();
      assertThat(cloud.history).as("the good password built the environment").isNotEmpty();
      assertThat(cloud.history.get(0).outcome).isEqualTo("Converged");
      EnvironmentStatus wrong = status("wrong");
      assertThat(wrong).isNotNull();
      assertThat(wrong.checks).as("the wrong password was tried and refused")
          .anySatisfy(c -> {
            assertThat(c.name).isEqualTo("cloud-online");
            assertThat(c.healthy).isFalse();
            assertThat(c.message).isNotBlank();
          });
      EnvironmentStatus hook = status("hooks");
      assertThat(hook).isNotNull();
      assertThat(hook.history).as("the webhook's 500 ended the escalation").isNotEmpty();
    });
    assertThat(authorizations).as("the webhook received the token from the Secret").contains("Bearer " + TOKEN);
    assertThat(sim.projectId(OpenStackSimulator.ADMIN_PROJECT)).isNotNull();

    LoggerFactory.getLogger("dev.escalator.operator.reconciler").warn("capture check {}", CANARY);
    String metrics = scrape();
    List<String> statuses = new ArrayList<>();
    for (Environment e : client.resources(Environment.class).inNamespace(NS).list().getItems()) {
      statuses.add(Serialization.asJson(e.getStatus()));
    }
    List<String> events = client.v1().events().inNamespace(NS).list().getItems().stream().map(Event::getMessage).toList();
    assertThat(events).isNotEmpty();
    operator.close();
    operator = null;
    System.err.flush();
    System.out.flush();
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).as("the operator logged during the run").contains("dev.escalator.operator.reconciler.EventRecorder");
    assertThat(logs).as("the capture sees what an slf4j logger writes").contains(CANARY);
    assertThat(String.join("\n", events)).as("the wrong password was refused by Keystone").contains("HTTP 401");

    Map<String, String> where = new LinkedHashMap<>();
    where.put("logs", logs);
    where.put("status", String.join("\n", statuses));
    where.put("events", String.join("\n", events));
    where.put("metrics", metrics);
    int found = 0;
    for (String secret : secrets()) {
      for (var place : where.entrySet()) {
        if (place.getValue().contains(secret)) {
          found++;
          originalErr.println("LEAK: a secret value appears in " + place.getKey());
        }
      }
    }
    originalErr.printf("secrets: %d values (and base64) searched in %d log chars, %d statuses, %d events, %d metric chars: %d found%n",
        3, logs.length(), statuses.size(), events.size(), metrics.length(), found);
    assertThat(found).as("secret occurrences in logs, status, events and metrics").isZero();
  }

  private static List<String> secrets() {
    List<String> out = new ArrayList<>();
    for (String s : List.of(PASSWORD, WRONG_PASSWORD, TOKEN)) {
      out.add(s);
      out.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private EnvironmentStatus status(String name) {
    Environment e = client.resources(Environment.class).inNamespace(NS).withName(name).get();
    return e == null ? null : e.getStatus();
  }

  private String scrape() throws Exception {
    StringWriter w = new StringWriter();
    TextFormat.write004(w, registry.metricFamilySamples());
    return w.toString();
  }

  /** Writes to both streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      synchronized (b) {
        b.write(c);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }
  }
}

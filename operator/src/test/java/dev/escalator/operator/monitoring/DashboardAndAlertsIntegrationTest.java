package dev.escalator.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.ladder.StormGuard;
import dev.escalator.operator.metrics.OperatorHttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promise of monitoring/: every query of the Grafana dashboard and every alert expression
 * (Prometheus rules and Grafana rules) returns data for the metrics the running operator actually
 * exports, as scraped by a real Prometheus.
 *
 * <p>Two operators run in this JVM, each with its own /metrics on 127.0.0.1, registered as scrape
 * targets of the Prometheus that {@code hack/start-monitoring.sh} started (file_sd, scraped every
 * second; that Prometheus also loads monitoring/escalator-rules.yml):
 *
 * <ul>
 *   <li>job {@code escalator-<run>}: on an in-process Kubernetes API, with Environments driven to
 *       Exhausted, PendingApproval, Escalating (a Job that never finishes) and Healthy, and a
 *       provider circuit breaker opened by real failures; then two healthy Environments fail
 *       together, a meltdown (2 of the 3 that ever passed) that holds them. At the end its API server is shut down
 *       (the operator keeps serving /metrics but can no longer watch: not reconciling).
 *   <li>job {@code escalator-forbidden-<run>}: an API server that refuses every Environment status write,
 *       as missing RBAC would, so every reconcile fails.
 * </ul>
 *
 * Last, both /metrics endpoints close (the operator is down). Then every expression is run as a
 * range query over the test's window, as Grafana runs a dashboard, and must return series; every
 * Prometheus rule must be healthy and have gone pending or firing (ALERTS), and every Grafana rule's
 * threshold must have held at some point of the window.
 *
 * <p>Run with {@code make it}, or: {@code eval "$(hack/start-monitoring.sh | grep ^export)"; mvn -o
 * -pl operator test -Dgroups=integration -DexcludedGroups=none -Dtest=DashboardAndAlertsIntegrationTest}.
 */
@Tag("integration")
class DashboardAndAlertsIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardAndAlertsIntegrationTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final String run = "it" + UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "escalator-" + run;
  /** Job labels of this run's two scrape targets (a job label given by file_sd wins over job_name). */
  private final String mainJob = "escalator-" + run;
  private final String forbiddenJob = "escalator-forbidden-" + run;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private String prometheus;
  private Path targetsFile;
  private HttpServer service;
  private Instant start;
  /** What /flip answers: the two meltdown Environments' check. */
  private volatile int flip = 200;

  @BeforeEach
  void setUp() throws IOException {
    prometheus = setting("escalator.prometheus.url", "ESCALATOR_PROMETHEUS_URL");
    Path targets = Path.of(setting("escalator.prometheus.targets.dir", "ESCALATOR_PROMETHEUS_TARGETS_DIR"));
    Files.createDirectories(targets);
    // Targets of earlier runs that died before their cleanup would only add dead series.
    try (Stream<Path> old = Files.list(targets)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("escalator-it")).toList()) Files.deleteIfExists(p);
    }
    targetsFile = targets.resolve("escalator-" + run + ".json");
    service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    service.createContext("/healthy", ex -> answer(ex, 200));
    service.createContext("/broken", ex -> answer(ex, 503));
    service.createContext("/deploy", ex -> answer(ex, 200));
    service.createContext("/flip", ex -> answer(ex, flip));
    service.start();
    start = Instant.now();
  }

  private static void answer(com.sun.net.httpserver.HttpExchange ex, int status) throws IOException {
    ex.getRequestBody().readAllBytes();
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  @AfterEach
  void tearDown() throws Exception {
    Files.deleteIfExists(targetsFile);
    for (AutoCloseable c : cleanup.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("cleanup failed", e);
      }
    }
    service.stop(0);
    http.close();
  }

  private static String setting(String property, String env) {
    String value = System.getProperty(property, System.getenv(env));
    if (value == null || value.isBlank()) {
      fail(env + " (or -D" + property + ") is not set: start Prometheus with hack/start-monitoring.sh and export what it prints");
    }
    return value;
  }

  /** An in-process Kubernetes API; {@code refuseStatusWrites} answers 403 to every Environment status write. */
  private KubernetesMockServer apiServer(boolean refuseStatusWrites) {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse handlePatch(RecordedRequest request) {
        return refused(request) ? forbidden() : super.handlePatch(request);
      }

      @Override
      public MockResponse handleUpdate(RecordedRequest request) {
        return refused(request) ? forbidden() : super.handleUpdate(request);
      }

      private boolean refused(RecordedRequest request) {
        String path = request.getPath();
        return refuseStatusWrites && path != null && path.contains("/environments/") && path.contains("/status");
      }

      private MockResponse forbidden() {
        return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"environments.escalator.dev/status is forbidden\"}");
      }
    };
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  /** What Main does, on a registry of its own: JVM metrics, the operator, /metrics on an ephemeral port. */
  private record Running(KubernetesMockServer api, KubernetesClient client, EscalatorOperator operator, OperatorHttpServer metrics) {}

  private Running operator(boolean refuseStatusWrites, StormGuard.Limits storm) throws IOException {
    KubernetesMockServer api = apiServer(refuseStatusWrites);
    cleanup.add(api::destroy);
    KubernetesClient client = api.createClient();
    cleanup.add(client);
    CollectorRegistry registry = new CollectorRegistry();
    DefaultExports.register(registry);
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withStorm(storm);
    EscalatorOperator operator = new EscalatorOperator(client, settings, Clock.systemUTC(), registry);
    cleanup.add(operator);
    OperatorHttpServer metrics = new OperatorHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, operator::isReady);
    cleanup.add(metrics);
    operator.start();
    return new Running(api, client, operator, metrics);
  }

  private String environment(String name, String checkPath, String level) {
    String url = "http://127.0.0.1:" + service.getAddress().getPort();
    return """
        apiVersion: escalator.dev/v1alpha1
        kind: Environment
        metadata: {name: %s, namespace: %s}
        spec:
          quiescence: 1s
          escalation: {maxAttempts: 1, backoff: 1s, maxBackoff: 1s, verifyTimeout: 2s}
          ladder:
        %s
          checks:
            - name: smoke
              escalatesTo: %s
              periodSeconds: 1
              timeoutSeconds: 1
              failureThreshold: 1
              http: {url: "%s%s"}
        """.formatted(name, namespace, level.indent(4).stripTrailing(), levelName(level), url, checkPath);
  }

  private static String levelName(String level) {
    return level.lines().findFirst().orElseThrow().replaceFirst("^- name: ", "").trim();
  }

  private String webhookLevel(String name, boolean approval) {
    return """
        - name: %s
          scope: Environment
          quiescence: 0s
          timeout: 1m
          requiresApproval: %s
          action: {webhook: {url: "http://127.0.0.1:%d/deploy"}}""".formatted(name, approval, service.getAddress().getPort());
  }

  private static String jobLevel(String name) {
    // The in-process API runs no Job controller: the Job never finishes, the step stays Running.
    return """
        - name: %s
          scope: Environment
          quiescence: 0s
          timeout: 1h
          action:
            job:
              template: {spec: {restartPolicy: Never, containers: [{name: converge, image: registry.example/converge:1}]}}""".formatted(name);
  }

  private static void create(KubernetesClient client, String yaml) {
    Environment env = Serialization.unmarshal(yaml, Environment.class);
    client.resources(Environment.class).inNamespace(env.getMetadata().getNamespace()).resource(env).create();
  }

  private String phase(KubernetesClient client, String name) {
    Environment e = client.resources(Environment.class).inNamespace(namespace).withName(name).get();
    return e == null || e.getStatus() == null ? null : e.getStatus().phase;
  }

  private void registerTargets(Running main, Running forbidden) throws IOException {
    String json = """
        [{"targets": ["127.0.0.1:%d"], "labels": {"run": "%s", "job": "%s"}},
         {"targets": ["127.0.0.1:%d"], "labels": {"run": "%s", "job": "%s"}}]
        """.formatted(main.metrics().port(), run, mainJob, forbidden.metrics().port(), run, forbiddenJob);
    // Written aside and renamed: Prometheus must never read a half-written file.
    Path tmp = targetsFile.resolveSibling("." + targetsFile.getFileName() + ".tmp");
    Files.writeString(tmp, json);
    Files.move(tmp, targetsFile, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void everyDashboardQueryAndEveryAlertExpressionReturnsDataForTheRunningOperator() throws Exception {
    // A meltdown needs more than half of at least 2 Environments that once passed their checks.
    Running main = operator(false, new StormGuard.Limits(10, 10, 50, 2));
    Running forbidden = operator(true, StormGuard.Limits.defaults());
    registerTargets(main, forbidden);
    // Scraped from the start: counters must be seen at 0 before they move, or rate() sees no increase.
    await("targets discovered and scraped").atMost(TIMEOUT).untilAsserted(() ->
        assertThat(instant("count(up{run=\"" + run + "\"} == 1) == 2")).isNotEmpty());

    create(main.client(), environment("exhausts", "/broken", webhookLevel("redeploy", false)));
    create(main.client(), environment("awaits-approval", "/broken", webhookLevel("restart", true)));
    create(main.client(), environment("stuck", "/broken", jobLevel("converge")));
    create(main.client(), environment("healthy", "/healthy", webhookLevel("redeploy", false)));
    create(main.client(), environment("melts-1", "/flip", webhookLevel("redeploy", false)));
    create(main.client(), environment("melts-2", "/flip", webhookLevel("redeploy", false)));
    create(forbidden.client(), environment("cannot-write-status", "/healthy", webhookLevel("redeploy", false)));

    // A provider's circuit breaker, opened by real failed calls (what the OpenStack provider reports).
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowSize(4).minimumNumberOfCalls(4).waitDurationInOpenState(Duration.ofHours(1)).build());
    main.operator().metrics().circuitBreakers("openstack", breakers);
    CircuitBreaker compute = breakers.circuitBreaker("compute");
    breakers.circuitBreaker("network");
    for (int i = 0; i < 4; i++) {
      try {
        compute.executeRunnable(() -> {
          throw new IllegalStateException("connection refused");
        });
      } catch (IllegalStateException expected) {
        // counted by the breaker
      }
    }
    assertThat(compute.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    await("phases").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(phase(main.client(), "exhausts")).isEqualTo("Exhausted");
      assertThat(phase(main.client(), "awaits-approval")).isEqualTo("PendingApproval");
      assertThat(phase(main.client(), "stuck")).isEqualTo("Escalating");
      assertThat(phase(main.client(), "healthy")).isEqualTo("Healthy");
      assertThat(phase(main.client(), "melts-1")).isEqualTo("Healthy");
      assertThat(phase(main.client(), "melts-2")).isEqualTo("Healthy");
    });
    await("scraped").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(instant("escalator_environment_phase{namespace=\"" + namespace + "\",phase=\"Exhausted\"} == 1")).isNotEmpty();
      assertThat(instant("escalator_reconciliations_failed_total{job=\"" + forbiddenJob + "\"} > 1")).isNotEmpty();
      assertThat(instant("escalator_step_duration_seconds_count{namespace=\"" + namespace + "\"}")).isNotEmpty();
    });

    // Two of the three Environments that ever passed fail at once: the meltdown hold.
    flip = 503;
    await("meltdown").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(phase(main.client(), "melts-1")).isEqualTo("Held");
      assertThat(phase(main.client(), "melts-2")).isEqualTo("Held");
    });
    await("meltdown scraped").atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(instant("escalator_meltdown_hold{job=\"" + mainJob + "\"} == 1")).isNotEmpty();
      assertThat(instant("escalator_environment_held{namespace=\"" + namespace + "\",reason=\"Meltdown\"} == 1")).isNotEmpty();
    });

    // The API server goes away: the operator still answers scrapes but cannot watch any more.
    main.api().destroy();
    await("not reconciling").atMost(TIMEOUT).untilAsserted(() ->
        assertThat(instant("escalator_operator_reconciling{job=\"" + mainJob + "\"} == 0")).isNotEmpty());
    // Then the operators are down.
    main.metrics().close();
    forbidden.metrics().close();
    await("down").atMost(TIMEOUT).untilAsserted(() ->
        assertThat(instant("count(up{run=\"" + run + "\"} == 0) == 2")).isNotEmpty());

    Map<String, String> variables = Map.of("namespace", namespace, "environment", ".*", "job", "escalator(-forbidden)?-" + run,
        "__rate_interval", "1m", "__interval", "5s", "__range", Duration.between(start, Instant.now()).toSeconds() + 5 + "s");
    List<String> proven = new ArrayList<>();
    await("every expression").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      end = Instant.now().getEpochSecond() + 1; // one window for all queries of this round
      proven.clear();
      List<String> empty = new ArrayList<>();
      for (MonitoringFiles.Query q : MonitoringFiles.dashboardQueries()) {
        String expr = MonitoringFiles.substitute(q.expr(), variables);
        if (range(expr).isEmpty()) empty.add("dashboard " + q.where() + ": " + expr);
        else proven.add("dashboard " + q.where());
      }
      for (MonitoringFiles.Variable v : MonitoringFiles.dashboardVariables()) {
        Set<String> values = labelValues(MonitoringFiles.substitute(v.selector(), variables), v.label());
        if (values.isEmpty()) empty.add("dashboard variable " + v.name());
        else proven.add("dashboard variable " + v.name() + " " + values);
      }
      // An alert must also have been quiet at some point of the window (a negative control): an
      // expression that holds whatever the operator does would prove nothing.
      for (MonitoringFiles.PrometheusRule r : MonitoringFiles.prometheusRules()) {
        Set<Long> held = times(ours(range(r.expr())), v -> true);
        Set<Long> pending = times(ours(range("ALERTS{alertname=\"" + r.alert() + "\"}")), v -> true);
        if (held.isEmpty()) empty.add("Prometheus rule " + r.alert() + ": " + r.expr());
        else if (held.size() == steps()) empty.add("Prometheus rule " + r.alert() + " held during the whole window");
        else if (pending.isEmpty() || pending.size() == steps()) empty.add("Prometheus rule " + r.alert() + " never changed state in Prometheus");
        else proven.add("Prometheus rule " + r.alert() + " (held " + held.size() + " of " + steps() + " s, pending or firing " + pending.size() + " s)");
      }
      for (MonitoringFiles.GrafanaRule r : MonitoringFiles.grafanaRules()) {
        List<Series> series = ours(range(r.expr()));
        Set<Long> held = times(series, v -> "gt".equals(r.evaluator()) ? v > r.param() : v < r.param());
        if (series.isEmpty()) empty.add("Grafana rule " + r.title() + ": " + r.expr());
        else if (held.isEmpty()) empty.add("Grafana rule " + r.title() + ": its threshold (" + r.evaluator() + " " + r.param() + ") never held");
        else if (held.size() == steps()) empty.add("Grafana rule " + r.title() + ": its threshold held during the whole window");
        else proven.add("Grafana rule " + r.title() + " (threshold held " + held.size() + " of " + steps() + " s)");
      }
      assertThat(empty).as("expressions without data").isEmpty();
    });
    assertThat(rulesHealth()).as("every rule of escalator-rules.yml loaded and evaluated without error")
        .containsAll(MonitoringFiles.prometheusRules().stream().map(MonitoringFiles.PrometheusRule::alert).toList());
    LOG.info("proven against Prometheus ({} expressions):\n  {}", proven.size(), String.join("\n  ", proven));
  }

  /** One series of a range query: its labels and its samples by timestamp (seconds). */
  private record Series(Map<String, String> labels, Map<Long, Double> samples) {}

  private long end;

  /** Steps of the window the range queries cover, one per second. */
  private long steps() {
    return end - (start.getEpochSecond() - 1) + 1;
  }

  private static Set<Long> times(List<Series> series, java.util.function.DoublePredicate held) {
    Set<Long> out = new TreeSet<>();
    for (Series s : series) s.samples().forEach((t, v) -> {
      if (held.test(v)) out.add(t);
    });
    return out;
  }

  /**
   * The series of this run: those whose job or namespace is this run's, and aggregates without
   * either label. Prometheus keeps earlier runs' samples, and rate() over 10 minutes still sees them.
   */
  private List<Series> ours(List<Series> series) {
    return series.stream().filter(s -> {
      Map<String, String> l = s.labels();
      if (l.containsKey("job")) return l.get("job").equals(mainJob) || l.get("job").equals(forbiddenJob);
      if (l.containsKey("namespace")) return l.get("namespace").equals(namespace);
      return true;
    }).toList();
  }

  private List<Series> range(String expr) throws IOException, InterruptedException {
    if (end == 0) end = Instant.now().getEpochSecond() + 1;
    JsonNode data = api("/api/v1/query_range", Map.of("query", expr, "start", String.valueOf(start.getEpochSecond() - 1),
        "end", String.valueOf(end), "step", "1"));
    List<Series> out = new ArrayList<>();
    for (JsonNode s : data.path("result")) {
      Map<String, String> labels = new HashMap<>();
      s.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      Map<Long, Double> samples = new HashMap<>();
      for (JsonNode v : s.path("values")) samples.put(v.get(0).asLong(), Double.parseDouble(v.get(1).asText()));
      out.add(new Series(labels, samples));
    }
    return out;
  }

  private List<JsonNode> instant(String expr) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    api("/api/v1/query", Map.of("query", expr)).path("result").forEach(out::add);
    return out;
  }

  private Set<String> labelValues(String selector, String label) throws IOException, InterruptedException {
    Set<String> values = new TreeSet<>();
    for (Series s : range(selector)) if (s.labels().containsKey(label)) values.add(s.labels().get(label));
    return values;
  }

  /** Names of the alerting rules Prometheus reports healthy (loaded, evaluated without error). */
  private Set<String> rulesHealth() throws IOException, InterruptedException {
    Set<String> healthy = new TreeSet<>();
    for (JsonNode g : api("/api/v1/rules", Map.of("type", "alert")).path("groups")) {
      for (JsonNode r : g.path("rules")) if ("ok".equals(r.path("health").asText())) healthy.add(r.path("name").asText());
    }
    return healthy;
  }

  private JsonNode api(String path, Map<String, String> params) throws IOException, InterruptedException {
    StringBuilder query = new StringBuilder();
    params.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest request = HttpRequest.newBuilder(URI.create(prometheus + path + query)).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new AssertionError("Prometheus " + path + " " + params + " answered " + response.statusCode() + ": " + response.body());
    }
    return body.path("data");
  }
}

package dev.escalator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.InProcessKubernetes.Request;
import dev.escalator.operator.demo.SimulatedControllers;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas with leader election on, one Lease, one in-process API. Only the Lease
 * holder acts; when it stops (a crash, modelled by cutting it off from the API, or a graceful
 * stop) the standby takes the Lease once it expires and resumes the in-flight escalation from the
 * Environment's status: the running Job step is polled, not started again.
 *
 * <p>Each replica has its own API client, named after it, so the API's request record tells who
 * did what. Short lease timings keep the failover in seconds; the measured times are printed.
 */
class LeaderElectionMockTest {
  private static final String NS = "shop";
  private static final String LEASE_NS = "escalator-system";
  private static final String LEASE = "escalator-leader";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(3);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(2);
  private static final Duration RETRY_PERIOD = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private DemoService service;
  private SimulatedControllers controllers;
  private final List<Replica> replicas = new ArrayList<>();
  /** Replicas whose onLeaseLost ran: in production the process would have exited. */
  private final List<String> lostTheLease = new CopyOnWriteArrayList<>();

  /** One operator process: its own client (named), metrics registry and operator. */
  private record Replica(String name, CollectorRegistry registry, EscalatorOperator operator) {
    double reconciling() {
      Double v = registry.getSampleValue("escalator_operator_reconciling");
      return v == null ? Double.NaN : v;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    service = new DemoService(line -> {});
    controllers = new SimulatedControllers(client, NS, line -> {}).start();
    // The reprovision Job runs until the test finishes it: the escalation is in flight meanwhile.
    controllers.jobOutcome(job -> SimulatedControllers.JobOutcome.HOLD);
    client.apps().deployments().inNamespace(NS).resource(DemoEnvironments.shopDeployment(NS)).create();
  }

  @AfterEach
  void tearDown() {
    replicas.forEach(r -> r.operator().close());
    controllers.close();
    service.close();
    kube.close();
  }

  private Replica start(String name) {
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0)
        .withLeaderElection(OperatorSettings.LeaderElection.disabled().withEnabled(true).withLease(LEASE_NS, LEASE).withIdentity(name)
            .withTimings(LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD));
    CollectorRegistry registry = new CollectorRegistry();
    EscalatorOperator operator = new EscalatorOperator(kube.newClient(name), settings, Clock.systemUTC(), registry)
        .onLeaseLost(() -> lostTheLease.add(name))
        .start();
    Replica replica = new Replica(name, registry, operator);
    replicas.add(replica);
    return replica;
  }

  private void stop(Replica replica) {
    replica.operator().close();
    replicas.remove(replica);
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(LEASE_NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private EnvironmentStatus status() {
    Environment e = client.resources(Environment.class).inNamespace(NS).withName("shop").get();
    return e == null ? null : e.getStatus();
  }

  /** Writes other than leader election's own (the Lease, the access review at start). */
  private static List<Request> actingWrites(List<Request> requests, String replica) {
    return requests.stream()
        .filter(r -> r.client().equals(replica) && WRITES.contains(r.method()))
        .filter(r -> !r.path().contains("/leases") && !r.path().contains("/selfsubjectrulesreviews"))
        .toList();
  }

  private static List<Request> jobCreations(List<Request> requests) {
    return requests.stream().filter(r -> r.method().equals("POST") && r.path().contains("/jobs")).toList();
  }

  /** Leader a, standby b; an escalation whose Job step is running. Returns the Job's name. */
  private String escalationInFlightUnder(Replica a, Replica b) {
    Environment shop = DemoEnvironments.shop(NS, "shop", service.baseUrl());
    shop.getSpec().checks.get(0).escalatesTo = "reprovision";
    client.resources(Environment.class).inNamespace(NS).resource(shop).create();
    await().atMost(TIMEOUT).until(() -> status() != null && "Healthy".equals(status().phase));

    service.breakService();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.escalation).isNotNull();
      assertThat(s.escalation.steps.get(0).state).isEqualTo("Running");
      assertThat(s.escalation.steps.get(0).runs.get(0).handle).isNotNull();
    });
    assertThat(status().escalation.id).isEqualTo("e1");
    List<Job> jobs = client.batch().v1().jobs().inNamespace(NS).list().getItems();
    assertThat(jobs).hasSize(1);

    // Only the leader acted; the standby, informed and ready, wrote nothing and reports 0.
    assertThat(holder()).isEqualTo(a.name());
    assertThat(a.reconciling()).isEqualTo(1.0);
    assertThat(b.operator().isReady()).isTrue();
    assertThat(b.reconciling()).isEqualTo(0.0);
    List<Request> before = kube.requests();
    assertThat(actingWrites(before, a.name())).as("the leader's writes").isNotEmpty()
        .anySatisfy(r -> assertThat(r.path()).contains("/environments/shop/status"));
    assertThat(actingWrites(before, b.name())).as("the standby's writes").isEmpty();
    assertThat(jobCreations(before)).singleElement().satisfies(r -> assertThat(r.client()).isEqualTo(a.name()));
    return jobs.get(0).getMetadata().getName();
  }

  /**
   * Stops the leader with {@code stop}, then: the standby leads, polls the running Job (which the
   * test only then completes) and the same escalation converges with the Job created once.
   */
  private Failover failOver(Replica a, Replica b, String jobName, Runnable stopLeader) {
    long t0 = System.nanoTime();
    stopLeader.run();
    await().atMost(TIMEOUT).pollInterval(POLL).until(() -> b.reconciling() == 1.0);
    long leading = System.nanoTime();
    assertThat(holder()).isEqualTo(b.name());
    // The new leader picks the escalation up where status says it is: it polls the running Job.
    String jobPath = "/namespaces/" + NS + "/jobs/" + jobName;
    await().atMost(TIMEOUT).pollInterval(POLL).until(() -> kube.requests().stream()
        .anyMatch(r -> r.client().equals(b.name()) && r.method().equals("GET") && r.path().endsWith(jobPath)));
    long polled = System.nanoTime();
    assertThat(status().escalation.steps.get(0).state).as("still running until the Job completes").isEqualTo("Running");

    controllers.finishJob(jobName, true);
    await().atMost(TIMEOUT).pollInterval(POLL).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.history).isNotEmpty();
      assertThat(s.history.get(0).outcome).isEqualTo("Converged");
    });
    long converged = System.nanoTime();

    EnvironmentStatus s = status();
    assertThat(s.history).singleElement().satisfies(h -> {
      assertThat(h.id).as("the same escalation, resumed").isEqualTo("e1");
      assertThat(h.steps).containsExactly("reprovision:Succeeded", "restart:Succeeded", "redeploy:Succeeded");
    });
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).as("the Job was not created twice").hasSize(1);
    List<Request> all = kube.requests();
    assertThat(jobCreations(all)).as("one Job creation, by the first leader").singleElement()
        .satisfies(r -> assertThat(r.client()).isEqualTo(a.name()));
    assertThat(actingWrites(all, b.name())).as("the new leader's writes").isNotEmpty();
    assertThat(service.deploys()).as("the redeploy webhook was called once").isEqualTo(1);
    return new Failover(ms(t0, leading), ms(t0, polled), ms(t0, converged));
  }

  private static long ms(long from, long to) {
    return Duration.ofNanos(to - from).toMillis();
  }

  /** Milliseconds from the leader's stop until the standby leads, has polled the Job, and the escalation converged. */
  private record Failover(long leadingMs, long polledMs, long convergedMs) {}

  private List<Replica> leaderThenStandby() {
    Replica a = start("replica-a");
    await().atMost(TIMEOUT).pollInterval(POLL).until(() -> a.reconciling() == 1.0);
    Replica b = start("replica-b");
    await().atMost(TIMEOUT).until(() -> b.operator().isReady());
    return List.of(a, b);
  }

  @Test
  void standbyResumesTheEscalationOfALeaderCutOffFromTheApi() {
    List<Replica> two = leaderThenStandby();
    Replica a = two.get(0);
    Replica b = two.get(1);
    String job = escalationInFlightUnder(a, b);

    // A crash as the API sees it: the leader renews nothing and writes nothing any more.
    Failover f = failOver(a, b, job, () -> kube.cutOff(a.name()));

    assertThat(f.leadingMs()).as("the standby leads once the Lease expired, not before")
        .isGreaterThanOrEqualTo(LEASE_DURATION.minus(RETRY_PERIOD.multipliedBy(2)).toMillis())
        .isLessThan(LEASE_DURATION.multipliedBy(2).toMillis());
    // The cut-off replica notices once a renewal fails for the renew deadline (its client retries each
    // 503 with backoff first) and would exit; here onLeaseLost records it.
    long t0 = System.nanoTime();
    await().atMost(TIMEOUT).pollInterval(POLL).until(() -> lostTheLease.contains(a.name()));
    long noticedAfterConverged = ms(t0, System.nanoTime());
    assertThat(lostTheLease).containsExactly(a.name());
    System.err.printf("leader election (crash: leader cut off from the API; lease %s, renew deadline %s, retry %s): "
            + "standby leading after %d ms, polled the running Job after %d ms, escalation converged after %d ms; "
            + "the cut-off leader gave up leading %d ms after that%n",
        LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD, f.leadingMs(), f.polledMs(), f.convergedMs(), noticedAfterConverged);
  }

  @Test
  void standbyResumesTheEscalationOfAGracefullyStoppedLeader() {
    List<Replica> two = leaderThenStandby();
    Replica a = two.get(0);
    Replica b = two.get(1);
    String job = escalationInFlightUnder(a, b);

    // JOSDK does not release the Lease on stop: the standby waits for it to expire, as after a crash.
    Failover f = failOver(a, b, job, () -> stop(a));

    assertThat(lostTheLease).as("closing gives the Lease up on purpose: no exit").isEmpty();
    assertThat(f.leadingMs()).isLessThan(LEASE_DURATION.multipliedBy(2).toMillis());
    System.err.printf("leader election (graceful stop; lease %s, renew deadline %s, retry %s): "
            + "standby leading after %d ms, polled the running Job after %d ms, escalation converged after %d ms%n",
        LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD, f.leadingMs(), f.polledMs(), f.convergedMs());
  }
}

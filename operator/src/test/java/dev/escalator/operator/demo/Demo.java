package dev.escalator.operator.demo;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * {@code make demo}: the whole operator on an embedded default, with nothing to install. An
 * in-process Kubernetes API (fabric8's mock server, CRUD mode) holds the Environment and a
 * Deployment; a local "shop" HTTP service is checked by real HTTP probes. The demo breaks the
 * service twice and prints the timeline of what the operator does, from its Events and status:
 *
 * <ol>
 *   <li>the service goes down: health (level restart) and smoke (level redeploy) fail, so the
 *       operator quiesces, then runs restart and redeploy in order, and verifies;
 *   <li>only the smoke test fails: the operator runs just the gentlest level, redeploy.
 *   <li>the six-level ladder of the origin on OpenStack, nothing in place: levels 1 to 6 (project,
 *       network, tier, server, converge, redeploy) build it;
 *   <li>one server is deleted behind the operator's back: levels 4 to 6 for that node only.
 * </ol>
 *
 * The cloud is the one named by OS_CLOUD in a clouds.yaml (OS_CLIENT_CONFIG_FILE, ./clouds.yaml,
 * ~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml; it needs credentials that may
 * create projects, and the demo deletes what it built at the end), otherwise the project's
 * in-process OpenStack API simulator. Exits 0 when every escalation converged, 1 otherwise.
 */
public final class Demo {
  private static final String NS = "demo";
  private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(50);
  private static final Instant START = Instant.now();

  private Demo() {}

  public static void main(String[] args) throws Exception {
    silenceLibraries();
    boolean ok;
    try (InProcessKubernetes kube = new InProcessKubernetes();
        DemoService shop = new DemoService(Demo::say)) {
      KubernetesClient client = kube.client();
      say("in-process Kubernetes API at " + kube.url() + " (fabric8 mock server, CRUD mode; no controllers run there but the stand-ins below)");
      say("shop service at " + shop.baseUrl() + " (/healthz, /smoke; POST /deploy repairs it)");
      client.apps().deployments().inNamespace(NS).resource(DemoEnvironments.shopDeployment(NS)).create();
      try (SimulatedControllers controllers = new SimulatedControllers(client, NS, Demo::say).start();
          EscalatorOperator operator = new EscalatorOperator(client,
              OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(250)).withMetricsPort(0), Clock.systemUTC()).start();
          SharedIndexInformer<Event> events = client.v1().events().inNamespace(NS).inform(new EventPrinter());
          SharedIndexInformer<Environment> phases = client.resources(Environment.class).inNamespace(NS).inform(new PhasePrinter())) {
        Environment env = DemoEnvironments.shop(NS, "shop", shop.baseUrl());
        client.resources(Environment.class).inNamespace(NS).resource(env).create();
        say("applied Environment demo/shop: ladder reprovision (Job) > restart (rollout restart) > redeploy (webhook); "
            + "checks health -> restart, smoke -> redeploy; quiescence 2s");
        ok = waitFor(client, "shop", s -> "Healthy".equals(s.phase), "the checks to pass");

        say("");
        say("=== scenario 1: the shop goes down (health and smoke fail) ===");
        shop.breakService();
        ok = ok && waitFor(client, "shop", s -> s.history.size() >= 1 && "Converged".equals(s.history.get(0).outcome) && "Healthy".equals(s.phase),
            "the escalation to converge");
        report(client, "shop");

        say("");
        say("=== scenario 2: a bad release: only the smoke test fails ===");
        shop.breakSmoke();
        ok = ok && waitFor(client, "shop", s -> s.history.size() >= 2 && "Converged".equals(s.history.get(0).outcome) && "Healthy".equals(s.phase),
            "the escalation to converge");
        report(client, "shop");

        say("");
        try (DemoCloud cloud = DemoCloud.open(Demo::say)) {
          client.secrets().inNamespace(NS).resource(cloud.secret(CloudEnvironments.SECRET)).create();
          say("=== scenario 3: the six-level ladder on OpenStack (" + cloud.description() + "), nothing in place ===");
          client.resources(Environment.class).inNamespace(NS)
              .resource(CloudEnvironments.sixLevels(NS, "cloud", cloud.cloudName(), 2, shop.baseUrl())).create();
          ok = ok && waitFor(client, "cloud", s -> s.history.size() >= 1 && "Converged".equals(s.history.get(0).outcome)
              && "Healthy".equals(s.phase), "the build to converge");
          report(client, "cloud");

          say("");
          say("=== scenario 4: server web-2 is deleted behind the operator's back ===");
          String web2 = client.resources(Environment.class).inNamespace(NS).withName("cloud").get().getStatus().inventory.stream()
              .filter(n -> n.name.equals("web-2")).findFirst().orElseThrow().providerId;
          cloud.resources(NS, "cloud").deleteServer(web2);
          ok = ok && waitFor(client, "cloud", s -> s.history.size() >= 2 && "Converged".equals(s.history.get(0).outcome)
              && "Healthy".equals(s.phase), "the replacement to converge");
          report(client, "cloud");
          client.resources(Environment.class).inNamespace(NS).withName("cloud").delete();
          cloud.cleanUp(NS, "cloud");
        }
      }
    }
    say(ok ? "demo: every escalation converged" : "demo: FAILED: an escalation did not converge in time");
    System.exit(ok ? 0 : 1);
  }

  private static boolean waitFor(KubernetesClient client, String name, Predicate<EnvironmentStatus> done, String what)
      throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    AtomicReference<EnvironmentStatus> last = new AtomicReference<>();
    try (SharedIndexInformer<Environment> i = client.resources(Environment.class).inNamespace(NS).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Environment e) {
        check(e);
      }

      @Override
      public void onUpdate(Environment o, Environment e) {
        check(e);
      }

      @Override
      public void onDelete(Environment e, boolean unknown) {}

      private void check(Environment e) {
        if (!e.getMetadata().getName().equals(name)) return;
        last.set(e.getStatus());
        if (e.getStatus() != null && done.test(e.getStatus())) latch.countDown();
      }
    })) {
      boolean reached = latch.await(SCENARIO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!reached) say("gave up waiting for " + what + "; last phase: " + (last.get() == null ? "none" : last.get().phase));
      return reached;
    }
  }

  private static void report(KubernetesClient client, String name) {
    EnvironmentStatus s = client.resources(Environment.class).inNamespace(NS).withName(name).get().getStatus();
    var h = s.history.get(0);
    say("history: escalation " + h.id + " " + h.outcome + ", started at level " + h.startLevel + ", steps " + h.steps
        + ", trigger " + h.trigger.stream().map(f -> f.check + "@" + f.target).toList());
  }

  static synchronized void say(String line) {
    double t = Duration.between(START, Instant.now()).toMillis() / 1000.0;
    System.out.printf("[%6.1fs] %s%n", t, line);
  }

  private static void silenceLibraries() {
    // The timeline below already shows the operator's Events; keep its own log to warnings.
    System.setProperty("org.slf4j.simpleLogger.log.dev.escalator", "warn");
    java.util.logging.LogManager.getLogManager().reset();
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
  }

  private static final class EventPrinter implements ResourceEventHandler<Event> {
    @Override
    public void onAdd(Event e) {
      say(String.format("event %-7s %-17s %s", e.getType(), e.getReason(), e.getMessage()));
    }

    @Override
    public void onUpdate(Event o, Event n) {}

    @Override
    public void onDelete(Event e, boolean unknown) {}
  }

  private static final class PhasePrinter implements ResourceEventHandler<Environment> {
    private final Map<String, String> lastPhase = new HashMap<>();

    @Override
    public void onAdd(Environment e) {
      onUpdate(null, e);
    }

    @Override
    public synchronized void onUpdate(Environment o, Environment e) {
      EnvironmentStatus s = e.getStatus();
      String name = e.getMetadata().getName();
      if (s == null || Objects.equals(s.phase, lastPhase.get(name))) return;
      lastPhase.put(name, s.phase);
      say(String.format("phase   %-5s -> %-12s (healthy checks %s%s)", name, s.phase, s.healthyChecks, s.level == null ? "" : ", level " + s.level));
    }

    @Override
    public void onDelete(Environment e, boolean unknown) {}
  }
}

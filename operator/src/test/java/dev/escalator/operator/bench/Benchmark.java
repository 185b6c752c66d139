package dev.escalator.operator.bench;

import com.sun.net.httpserver.HttpServer;
import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.TcpProbeSpec;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckScheduler;
import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.check.ScheduledCheck;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.InProcessKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code make bench}: measures, on this machine, (1) probe executions per second with 1,000
 * environments x 10 checks against local HTTP and TCP endpoints, and the heap that takes; (2) the
 * status writes per minute of healthy environments under the whole operator on the in-process
 * API (target: 0). Writes the results as Markdown to the path given as the first argument.
 *
 * <p>Not a test: numbers depend on the machine, so nothing here asserts a threshold.
 */
public final class Benchmark {
  static final int ENVIRONMENTS = 1000;
  static final int CHECKS_PER_ENVIRONMENT = 10;

  /** Everything after this line of docs/benchmarks.md is kept by {@code make bench}. */
  static final String KEPT_MARKER = "<!-- measured by make it; kept by make bench -->";

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.log.dev.escalator", "warn");
    java.util.logging.LogManager.getLogManager().reset();
    Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
    Duration probeWindow = Duration.ofSeconds(Integer.getInteger("bench.probeSeconds", 30));
    Duration writeWindow = Duration.ofSeconds(Integer.getInteger("bench.writeSeconds", 60));
    int writeEnvironments = Integer.getInteger("bench.writeEnvironments", ENVIRONMENTS);

    ProbeResult probes = probeThroughput(probeWindow);
    WriteResult writes = healthyStatusWrites(writeEnvironments, writeWindow);

    String report = report(probes, writes);
    // Sections measured elsewhere (the real-cloud integration tests) follow a marker and are kept.
    if (Files.exists(out)) {
      String previous = Files.readString(out);
      int kept = previous.indexOf(KEPT_MARKER);
      if (kept >= 0) report = report + "\n" + previous.substring(kept);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println(report);
    System.exit(0);
  }

  record ProbeResult(int checks, double demandedPerSecond, double achievedPerSecond, long skippedTicks, long heapUsedMiB,
      long heapBaselineMiB, Duration window) {}

  record WriteResult(int environments, int checksPerEnvironment, Duration settle, Duration window, long writesDuringWindow,
      long writesToSettle) {}

  /** 1,000 x 10 checks, period 1 s, half HTTP GETs and half TCP connects, all on 127.0.0.1. */
  static ProbeResult probeThroughput(Duration window) throws Exception {
    long baseline = heapUsedAfterGc();
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/healthz", ex -> {
      byte[] ok = "ok".getBytes();
      ex.sendResponseHeaders(200, ok.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(ok);
      }
    });
    http.start();
    ServerSocket tcp = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    Thread acceptor = acceptAndClose(tcp);
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/healthz";

    CheckTypes types = CheckTypes.standard(null);
    CheckExpansion expansion = new CheckExpansion(types);
    CheckScheduler scheduler = new CheckScheduler(types, key -> {}, CheckScheduler.Options.defaults().withMaxConcurrentProbes(512));
    int total = 0;
    for (int e = 0; e < ENVIRONMENTS; e++) {
      List<CheckSpec> checks = new ArrayList<>();
      for (int c = 0; c < CHECKS_PER_ENVIRONMENT; c++) {
        CheckSpec spec = c % 2 == 0 ? http(url, c) : tcp(tcp.getLocalPort(), c);
        checks.add(spec);
      }
      List<ScheduledCheck> scheduled = expansion.expand("env-" + e, "bench", checks, List.of());
      total += scheduled.size();
      scheduler.sync("bench/env-" + e, scheduled);
    }
    // Warm up one period beyond the initial jitter, then measure.
    Thread.sleep(3000); // benchmark pacing, not test synchronisation
    long before = scheduler.counters().probeExecutions();
    long skippedBefore = scheduler.counters().skippedTicks();
    Instant start = Instant.now();
    Thread.sleep(window.toMillis()); // the measurement window itself
    long after = scheduler.counters().probeExecutions();
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    long heap = heapUsedAfterGc();
    long skipped = scheduler.counters().skippedTicks() - skippedBefore;
    scheduler.close();
    http.stop(0);
    tcp.close();
    acceptor.join(1000);
    return new ProbeResult(total, total / 1.0, (after - before) / seconds, skipped, heap, baseline, window);
  }

  /** The whole operator, N healthy environments x 10 TCP checks (period 10 s): status writes after they settled. */
  static WriteResult healthyStatusWrites(int environments, Duration window) throws Exception {
    ServerSocket tcp = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    Thread acceptor = acceptAndClose(tcp);
    try (InProcessKubernetes kube = new InProcessKubernetes()) {
      KubernetesClient client = kube.client();
      Instant start = Instant.now();
      try (EscalatorOperator operator = new EscalatorOperator(client, OperatorSettings.defaults().withMetricsPort(0), Clock.systemUTC()).start()) {
        for (int e = 0; e < environments; e++) {
          Environment env = DemoEnvironments.shop("bench", "env-" + e, "http://127.0.0.1:1");
          List<CheckSpec> checks = new ArrayList<>();
          for (int c = 0; c < CHECKS_PER_ENVIRONMENT; c++) {
            CheckSpec spec = tcp(tcp.getLocalPort(), c);
            spec.periodSeconds = 10;
            spec.escalatesTo = "redeploy";
            checks.add(spec);
          }
          env.getSpec().checks = checks;
          client.resources(Environment.class).inNamespace("bench").resource(env).create();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && healthy(client) < environments) {
          Thread.sleep(1000); // benchmark pacing
        }
        Duration settle = Duration.between(start, Instant.now());
        if (healthy(client) < environments) throw new IllegalStateException("only " + healthy(client) + " of " + environments + " environments became Healthy");
        long writesBefore = kube.environmentStatusWrites();
        Thread.sleep(window.toMillis()); // the measurement window itself
        long writes = kube.environmentStatusWrites() - writesBefore;
        return new WriteResult(environments, CHECKS_PER_ENVIRONMENT, settle, window, writes, writesBefore);
      }
    } finally {
      tcp.close();
      acceptor.join(1000);
    }
  }

  /** A TCP listener that accepts and closes: the TCP probe only needs the connect to succeed. */
  private static Thread acceptAndClose(ServerSocket tcp) {
    return Thread.ofVirtual().start(() -> {
      while (!tcp.isClosed()) {
        try (Socket s = tcp.accept()) {
          // accepted; closing is the answer
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private static long healthy(KubernetesClient client) {
    return client.resources(Environment.class).inNamespace("bench").list().getItems().stream()
        .filter(e -> e.getStatus() != null && "Healthy".equals(e.getStatus().phase)).count();
  }

  private static CheckSpec http(String url, int i) {
    CheckSpec c = new CheckSpec();
    c.name = "http-" + i;
    c.escalatesTo = "redeploy";
    c.periodSeconds = 1;
    c.timeoutSeconds = 2;
    c.http = new dev.escalator.operator.api.HttpProbeSpec();
    c.http.url = url;
    return c;
  }

  private static CheckSpec tcp(int port, int i) {
    CheckSpec c = new CheckSpec();
    c.name = "tcp-" + i;
    c.escalatesTo = "redeploy";
    c.periodSeconds = 1;
    c.timeoutSeconds = 2;
    c.tcp = new TcpProbeSpec();
    c.tcp.host = "127.0.0.1";
    c.tcp.port = port;
    return c;
  }

  private static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static String report(ProbeResult p, WriteResult w) {
    Runtime rt = Runtime.getRuntime();
    String cpu = machineCpu();
    return String.format(Locale.ROOT, """
        # Benchmarks

        Produced by `make bench` (`operator/src/test/java/dev/escalator/operator/bench/Benchmark.java`) on %s.
        Numbers are from one run on the machine below; run it again on yours.

        ## Machine

        | what | value |
        |---|---|
        | CPU | %s |
        | cores available to the JVM | %d |
        | max heap | %d MiB |
        | JVM | %s %s |
        | OS | %s %s |

        ## Probe throughput: %d environments x %d checks

        Every check runs every second (half HTTP GET of a local endpoint, half TCP connect to a
        local listener, all on 127.0.0.1), on the check scheduler's virtual threads with at most 512
        probes in flight. Measured over %d s after a warm-up.

        | metric | value |
        |---|---|
        | check targets scheduled | %d |
        | probe executions demanded | %.0f /s |
        | probe executions achieved | %.0f /s |
        | ticks skipped (previous probe still running) | %d |
        | heap used after GC, before scheduling | %d MiB |
        | heap used after GC, all checks scheduled and running | %d MiB |

        ## Status writes of healthy environments

        The whole operator (JOSDK, reconciler, probes) on the in-process Kubernetes API, %d
        Environments with %d TCP checks each (period 10 s). After all were Healthy (%d s after
        creation, %d status writes to get there), status writes were counted for %d s.

        | metric | value |
        |---|---|
        | status writes during the window | %d |
        | status writes per minute, healthy environments | %.1f (target 0) |
        """,
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), cpu, rt.availableProcessors(), rt.maxMemory() / (1024 * 1024),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version"),
        ENVIRONMENTS, CHECKS_PER_ENVIRONMENT, p.window().toSeconds(), p.checks(), p.demandedPerSecond(), p.achievedPerSecond(),
        p.skippedTicks(), p.heapBaselineMiB(), p.heapUsedMiB(),
        w.environments(), w.checksPerEnvironment(), w.settle().toSeconds(), w.writesToSettle(), w.window().toSeconds(),
        w.writesDuringWindow(), w.writesDuringWindow() * 60.0 / w.window().toSeconds());
  }

  private static String machineCpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}

package dev.escalator.operator.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A small "shop" service on 127.0.0.1 for the demo and tests: {@code /healthz} and {@code /smoke}
 * answer 200 while the service works and 503 once broken; {@code POST /deploy} (the repair a
 * webhook level calls, as AWX or Jenkins would redeploy) fixes it.
 */
public final class DemoService implements AutoCloseable {
  private final HttpServer server;
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicBoolean smokeOk = new AtomicBoolean(true);
  private final AtomicInteger deploys = new AtomicInteger();
  private volatile boolean deployRepairs = true;
  private final List<String> deployKeys = new CopyOnWriteArrayList<>();
  private volatile BooleanSupplier deployListener = () -> true;
  private final Consumer<String> log;

  public DemoService(Consumer<String> log) throws IOException {
    this.log = log;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/healthz", ex -> answer(ex, healthy.get() ? 200 : 503, healthy.get() ? "ok" : "down"));
    server.createContext("/smoke", ex -> answer(ex, smokeOk.get() ? 200 : 503, smokeOk.get() ? "checkout ok" : "checkout failing"));
    server.createContext("/deploy", ex -> {
      int n = deploys.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
      deployKeys.add(key == null ? "" : key);
      if (deployRepairs) {
        healthy.set(true);
        smokeOk.set(true);
        log.accept("shop service: redeployed (deploy #" + n + ") - healthy again");
      } else {
        log.accept("shop service: deploy #" + n + " received, but it did not help");
      }
      if (!deployListener.getAsBoolean()) {
        ex.close(); // no reply: the caller cannot know the deploy arrived
        return;
      }
      answer(ex, 200, "{\"deployed\":" + n + "}");
    });
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The service goes down: health and smoke checks fail. */
  public void breakService() {
    healthy.set(false);
    smokeOk.set(false);
  }

  /** Only the smoke test fails (e.g. a bad release). */
  public void breakSmoke() {
    smokeOk.set(false);
  }

  public void deployRepairs(boolean value) {
    deployRepairs = value;
  }

  public int deploys() {
    return deploys.get();
  }

  /** The Idempotency-Key of every deploy received, in order ("" when a call carried none). */
  public List<String> deployKeys() {
    return List.copyOf(deployKeys);
  }

  /**
   * Called on each deploy after it took effect, before the reply: false drops the reply (the
   * connection is closed without one).
   */
  public void onDeploy(BooleanSupplier listener) {
    deployListener = java.util.Objects.requireNonNull(listener, "listener");
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.escalator.operator.action;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 standing in for AWX, Rundeck or Jenkins: answers per path from a
 * script, can hold a request open, and records every request it received.
 */
final class WebhookReceiver implements AutoCloseable {
  record Received(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  record Answer(int status, String body) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch[]> holds = new ConcurrentHashMap<>();

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a held request must not block others
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Answers {@code path} with these answers in turn, repeating the last one. */
  void answer(String path, Answer... answers) {
    scripts.put(path, new ArrayDeque<>(List.of(answers)));
  }

  /** Holds requests to {@code path}: counts down {@code arrived}, then waits for {@code release}. */
  void hold(String path, CountDownLatch arrived, CountDownLatch release) {
    holds.put(path, new CountDownLatch[] {arrived, release});
  }

  List<Received> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Received(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
      CountDownLatch[] hold = holds.get(path);
      if (hold != null) {
        hold[0].countDown();
        if (!hold[1].await(30, TimeUnit.SECONDS)) throw new IllegalStateException("test never released " + path);
      }
      Answer answer = next(path);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Answer next(String path) {
    Deque<Answer> script = scripts.get(path);
    if (script == null) return new Answer(404, "no such path in this test");
    synchronized (script) {
      return script.size() > 1 ? script.removeFirst() : script.getFirst();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.escalator.operator.reconciler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * Many small services on one real HTTP server, each named by a path segment: {@code /health/<name>}
 * answers 200 or 500, {@code POST /repair/<name>} starts its repair and {@code /status/<name>} says
 * {@code running} until the test releases it ({@code done}, and the service is healthy again).
 * Records how many repairs were in flight at once, overall and per group (namespace).
 */
final class Fleet implements AutoCloseable {
  private final HttpServer server;
  private final Set<String> broken = new HashSet<>();
  private final Map<String, String> groups = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> done = new HashSet<>();
  private final Map<String, Integer> repairs = new HashMap<>();
  private final Map<String, Integer> maxInFlightPerGroup = new HashMap<>();
  private int maxInFlight;

  Fleet() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized void add(String group, String name) {
    groups.put(name, group);
  }

  synchronized void breakAll(List<String> names) {
    broken.addAll(names);
    done.removeAll(names);
  }

  synchronized void fix(String name) {
    broken.remove(name);
  }

  /** Every repair in flight finishes and its service works again. */
  synchronized void releaseAll() {
    for (String name : inFlight) {
      broken.remove(name);
      done.add(name);
    }
    inFlight.clear();
  }

  synchronized Set<String> inFlight() {
    return Set.copyOf(inFlight);
  }

  synchronized int repairs(String name) {
    return repairs.getOrDefault(name, 0);
  }

  synchronized int totalRepairs() {
    return repairs.values().stream().mapToInt(Integer::intValue).sum();
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }

  synchronized Map<String, Integer> maxInFlightPerGroup() {
    return Map.copyOf(maxInFlightPerGroup);
  }

  private void handle(HttpExchange ex) throws IOException {
    String[] parts = ex.getRequestURI().getPath().split("/");
    String kind = parts.length > 1 ? parts[1] : "";
    String name = parts.length > 2 ? parts[2] : "";
    int status = 200;
    String body;
    synchronized (this) {
      switch (kind) {
        case "health" -> {
          status = broken.contains(name) ? 500 : 200;
          body = status == 200 ? "ok" : "down";
        }
        case "repair" -> {
          repairs.merge(name, 1, Integer::sum);
          inFlight.add(name);
          maxInFlight = Math.max(maxInFlight, inFlight.size());
          String group = groups.get(name);
          long inGroup = inFlight.stream().filter(n -> group != null && group.equals(groups.get(n))).count();
          maxInFlightPerGroup.merge(group == null ? "" : group, (int) inGroup, Math::max);
          body = "{\"id\":\"" + name + "\"}";
        }
        case "status" -> body = done.contains(name) ? "done" : "running";
        default -> {
          status = 404;
          body = "no such path";
        }
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

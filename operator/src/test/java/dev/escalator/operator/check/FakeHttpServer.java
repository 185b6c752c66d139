package dev.escalator.operator.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP(S) server on 127.0.0.1 with a scripted answer, recording what it was asked. Probes are
 * tested against real sockets; this stands in for the peer, not for the network.
 */
final class FakeHttpServer implements AutoCloseable {
  /** What the server answers; {@code hold}, when set, blocks the answer until released. */
  record Answer(int status, String body, Map<String, String> headers, CountDownLatch hold) {
    static Answer of(int status, String body) {
      return new Answer(status, body, Map.of(), null);
    }

    Answer withHeaders(Map<String, String> h) {
      return new Answer(status, body, h, hold);
    }
  }

  record Request(String method, URI uri, Map<String, List<String>> headers) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Answer answer = Answer.of(200, "ok");

  private FakeHttpServer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  static FakeHttpServer http() {
    try {
      return new FakeHttpServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FakeHttpServer https(SSLContext tls) {
    try {
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      return new FakeHttpServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  FakeHttpServer answer(Answer a) {
    this.answer = a;
    return this;
  }

  FakeHttpServer answer(int status, String body) {
    return answer(Answer.of(status, body));
  }

  String url(String path) {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  String baseUrl() {
    return url("");
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  Request lastRequest() {
    return requests.get(requests.size() - 1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
        Map.copyOf(exchange.getRequestHeaders())));
    Answer a = answer;
    try (exchange) {
      if (a.hold() != null) {
        try {
          a.hold().await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(a.status(), head || body.length == 0 ? -1 : body.length);
      if (!head && body.length > 0) exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

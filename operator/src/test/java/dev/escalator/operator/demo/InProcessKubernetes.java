package dev.escalator.operator.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-process Kubernetes API: fabric8's mock server in CRUD mode on 127.0.0.1. It stores and
 * watches objects like an API server but runs no controllers (see {@link SimulatedControllers}) and
 * evaluates no CRD schema. It counts writes to Environment status, which the benchmark and the
 * "no write for a healthy environment" tests read.
 */
public final class InProcessKubernetes implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final AtomicLong environmentStatusWrites = new AtomicLong();
  private volatile Consumer<Write> writeListener = w -> {};

  /** A create, update or patch the API applied, e.g. {@code POST /apis/batch/v1/namespaces/ns/jobs}. */
  public record Write(String method, String path) {}

  public InProcessKubernetes() {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse handleCreate(RecordedRequest request) {
        return written(request, super.handleCreate(request));
      }

      @Override
      public MockResponse handlePatch(RecordedRequest request) {
        count(request);
        return written(request, super.handlePatch(request));
      }

      @Override
      public MockResponse handleUpdate(RecordedRequest request) {
        count(request);
        return written(request, super.handleUpdate(request));
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  private MockResponse written(RecordedRequest request, MockResponse response) {
    if (response.code() < 300) writeListener.accept(new Write(request.getMethod(), request.getPath()));
    return response;
  }

  private void count(RecordedRequest request) {
    String path = request.getPath();
    if (path != null && path.contains("/environments/") && path.contains("/status")) environmentStatusWrites.incrementAndGet();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Another client of the same API, closed by its caller (e.g. to cut one operator instance off). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /** Calls {@code listener} on the API's thread after each successful {@link Write}, before its reply is sent. */
  public void onWrite(Consumer<Write> listener) {
    writeListener = java.util.Objects.requireNonNull(listener, "listener");
  }

  /** Status writes (PATCH or PUT on environments/.../status) since start. */
  public long environmentStatusWrites() {
    return environmentStatusWrites.get();
  }

  public String url() {
    return client.getMasterUrl().toString();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}

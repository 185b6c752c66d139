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

  public InProcessKubernetes() {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse handlePatch(RecordedRequest request) {
        count(request);
        return super.handlePatch(request);
      }

      @Override
      public MockResponse handleUpdate(RecordedRequest request) {
        count(request);
        return super.handleUpdate(request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  private void count(RecordedRequest request) {
    String path = request.getPath();
    if (path != null && path.contains("/environments/") && path.contains("/status")) environmentStatusWrites.incrementAndGet();
  }

  public KubernetesClient client() {
    return client;
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

package dev.escalator.operator.demo;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-process Kubernetes API: fabric8's mock server in CRUD mode on 127.0.0.1. It stores and
 * watches objects like an API server but runs no controllers (see {@link SimulatedControllers}) and
 * evaluates no CRD schema. It counts writes to Environment status, which the benchmark and the
 * "no write for a healthy environment" tests read.
 *
 * <p>For tests with several operator replicas: {@link #newClient} gives each replica a client of
 * its own whose requests are {@linkplain #requests() recorded} under its name and can be
 * {@linkplain #cutOff cut off}. An update or merge patch carrying a stale resourceVersion gets 409
 * Conflict (the CRUD mode does that itself; leader election's optimistic Lease writes rely on it), and a
 * SelfSubjectRulesReview, which JOSDK's leader election creates at start to check its access to
 * Leases, is answered with {@link #LEASE_RULES}: what the Helm chart's Role grants.
 */
public final class InProcessKubernetes implements AutoCloseable {
  /**
   * The rules a SelfSubjectRulesReview reports: the Helm chart's Role for a Lease named
   * escalator-leader (ChartRbacMockTest keeps the two equal).
   */
  public static final List<ResourceRule> LEASE_RULES = List.of(
      new ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("create").build(),
      new ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases").withResourceNames("escalator-leader")
          .withVerbs("get", "update", "patch").build());
  private static final String RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  /** One API request of a named client, as the server received it. */
  public record Request(String client, String method, String path) {}

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final AtomicLong environmentStatusWrites = new AtomicLong();
  private final Set<String> named = ConcurrentHashMap.newKeySet();
  private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
  private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private volatile Consumer<Write> writeListener = w -> {};

  /** A create, update or patch the API applied, e.g. {@code POST /apis/batch/v1/namespaces/ns/jobs}. */
  public record Write(String method, String path) {}

  public InProcessKubernetes() {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String name = request.getHeader("User-Agent");
        if (name != null && named.contains(name)) {
          requests.add(new Request(name, request.getMethod(), request.getPath()));
          if (cutOff.contains(name)) {
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_UNAVAILABLE).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"cut off from the API\",\"code\":503}");
          }
        }
        if ("POST".equals(request.getMethod()) && request.getPath() != null && request.getPath().startsWith(RULES_REVIEWS)) {
          return rulesReview(request);
        }
        return super.dispatch(request);
      }

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

  private static MockResponse rulesReview(RecordedRequest request) {
    SelfSubjectRulesReview review = Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
    review.setStatus(new SubjectRulesReviewStatusBuilder().withResourceRules(LEASE_RULES).withIncomplete(false).build());
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED).setBody(Serialization.asJson(review));
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

  /**
   * A client of its own, e.g. for one operator replica: its requests carry {@code name} as their
   * User-Agent, by which the server records them and can cut them off. Closed with this API.
   */
  public KubernetesClient newClient(String name) {
    named.add(name);
    KubernetesClient c = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(name).build()).build();
    clients.add(c);
    return c;
  }

  /** From now on every request of the {@link #newClient named client} gets 503, as if its node had dropped off the network. */
  public void cutOff(String name) {
    cutOff.add(name);
  }

  /** Requests of the {@link #newClient named clients} so far, in arrival order. */
  public List<Request> requests() {
    return List.copyOf(requests);
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
    clients.forEach(KubernetesClient::close);
    client.close();
    server.destroy();
  }
}

package dev.escalator.operator.action;

import static dev.escalator.operator.action.Requests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.escalator.operator.action.ActionProgress.State;
import dev.escalator.operator.action.WebhookReceiver.Answer;
import dev.escalator.operator.action.WebhookReceiver.Received;
import dev.escalator.operator.api.WebhookActionSpec;
import dev.escalator.operator.api.WebhookCompletionSpec;
import dev.escalator.operator.testing.SettableClock;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WebhookActionMockTest {
  static KubernetesClient client;

  private static final String TOKEN = "Bearer s3cr3t-t0ken-value";
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));
  /** Counts requests as they are handed over for sending, which happens inside start and poll. */
  private final AtomicInteger sent = new AtomicInteger();
  private final ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor();
  private WebhookReceiver receiver;
  private WebhookAction action;

  @BeforeEach
  void setUp() throws Exception {
    receiver = new WebhookReceiver();
    action = new WebhookAction(client, http, clock, Duration.ofSeconds(20), task -> {
      sent.incrementAndGet();
      sender.execute(task);
    });
  }

  @AfterEach
  void tearDown() {
    sender.shutdownNow();
    receiver.close();
    client.secrets().inNamespace(NAMESPACE).delete();
  }

  @Test
  void postsTheStepAndSucceedsOn2xx() throws Exception {
    receiver.answer("/hooks/repair", new Answer(204, ""));
    WebhookActionSpec spec = spec("/hooks/repair");
    spec.headers = Map.of("X-Team", "payments");
    ActionRequest request = Requests.forNode("e1", 2);

    String handle = action.start(request, spec);

    assertThat(handle).isEqualTo("webhook/" + request.workName());
    ActionPoll done = awaitFinished(action, request, spec, handle);
    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(done.replaces(handle)).isFalse();
    Received call = receiver.received("/hooks/repair").getFirst();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.header("Idempotency-Key")).isEqualTo(request.workName());
    assertThat(call.header("X-Escalator-Escalation")).isEqualTo("e1");
    assertThat(call.header("X-Team")).isEqualTo("payments");
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = new ObjectMapper().readTree(call.body());
    assertThat(body.get("environment").asText()).isEqualTo("checkout");
    assertThat(body.get("namespace").asText()).isEqualTo("shop");
    assertThat(body.get("level").asText()).isEqualTo("rebuild-node");
    assertThat(body.get("escalationId").asText()).isEqualTo("e1");
    assertThat(body.get("attempt").asInt()).isEqualTo(2);
    assertThat(body.get("target").asText()).isEqualTo("node/web/web-1");
  }

  @Test
  void urlAndBodyAreTemplated() throws Exception {
    receiver.answer("/hooks/web-1", new Answer(200, "ok"));
    WebhookActionSpec spec = spec("/hooks/${node.name}");
    spec.method = "PUT";
    spec.body = "{\"host\":\"${node.address}\"}";
    ActionRequest request = Requests.forNode("e1", 1);

    String handle = action.start(request, spec);

    assertThat(awaitFinished(action, request, spec, handle).state()).isEqualTo(State.SUCCEEDED);
    Received call = receiver.received("/hooks/web-1").getFirst();
    assertThat(call.method()).isEqualTo("PUT");
    assertThat(call.body()).isEqualTo("{\"host\":\"10.0.0.11\"}");
  }

  @Test
  void serverErrorFailsWithTheStatusAndAShortExcerpt() throws Exception {
    receiver.answer("/hooks/repair", new Answer(500, "boom: " + "x".repeat(400)));
    WebhookActionSpec spec = spec("/hooks/repair");
    ActionRequest request = Requests.forEnvironment("e1", 1);

    ActionPoll failed = awaitFinished(action, request, spec, action.start(request, spec));

    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("POST http://127.0.0.1:").contains("/hooks/repair answered 500: boom: xxx");
    String excerpt = failed.message().substring(failed.message().indexOf("answered 500: ") + "answered 500: ".length());
    assertThat(excerpt).hasSizeLessThanOrEqualTo(WebhookAction.EXCERPT_LENGTH);
  }

  @Test
  void successStatusNarrowsWhatCountsAsAccepted() throws Exception {
    receiver.answer("/hooks/repair", new Answer(200, "queued elsewhere"));
    WebhookActionSpec spec = spec("/hooks/repair");
    spec.successStatus = List.of(202);
    ActionRequest request = Requests.forEnvironment("e1", 1);

    ActionPoll result = awaitFinished(action, request, spec, action.start(request, spec));

    assertThat(result.state()).isEqualTo(State.FAILED);
    assertThat(result.message()).contains("answered 200");
  }

  @Test
  void secretHeadersAreSentButNeverShown() throws Exception {
    createSecret("awx-auth", Map.of("Authorization", TOKEN + "\n"));
    // A receiver that echoes the credential back in its error page.
    receiver.answer("/hooks/repair", new Answer(403, "token " + TOKEN + " may not launch this job"));
    WebhookActionSpec spec = spec("/hooks/repair");
    spec.headersFromSecret = "awx-auth";
    ActionRequest request = Requests.forEnvironment("e1", 1);

    String handle = action.start(request, spec);
    ActionPoll failed = awaitFinished(action, request, spec, handle);

    assertThat(receiver.received("/hooks/repair").getFirst().header("Authorization"))
        .as("sent, with the trailing newline kubectl create secret often stores dropped")
        .isEqualTo(TOKEN);
    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("answered 403").contains("***").doesNotContain("s3cr3t");
    assertThat(handle).doesNotContain("s3cr3t");
    assertThat(failed.handle()).doesNotContain("s3cr3t");
  }

  @Test
  void missingSecretFailsNamingItAndSendsNothing() {
    receiver.answer("/hooks/repair", new Answer(200, "ok"));
    WebhookActionSpec spec = spec("/hooks/repair");
    spec.headersFromSecret = "awx-auth";

    assertThatThrownBy(() -> action.start(Requests.forEnvironment("e1", 1), spec))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("Secret shop/awx-auth")
        .hasMessageContaining("not found");
    assertThat(receiver.received("/hooks/repair")).isEmpty();
  }

  @Test
  void aHeaderTheHttpClientRefusesIsNamedWithoutItsValue() throws Exception {
    createSecret("awx-auth", Map.of("Authorization", "Bearer a\u0001b-s3cr3t"));
    WebhookActionSpec spec = spec("/hooks/repair");
    spec.headersFromSecret = "awx-auth";

    assertThatThrownBy(() -> action.start(Requests.forEnvironment("e1", 1), spec))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("Authorization")
        .hasMessageContaining("Secret shop/awx-auth")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void startingTwiceCallsOnce() throws Exception {
    receiver.answer("/hooks/repair", new Answer(200, "ok"));
    WebhookActionSpec spec = spec("/hooks/repair");
    ActionRequest request = Requests.forEnvironment("e1", 1);

    String first = action.start(request, spec);
    String second = action.start(request, spec);

    assertThat(second).isEqualTo(first);
    assertThat(awaitFinished(action, request, spec, first).state()).isEqualTo(State.SUCCEEDED);
    assertThat(receiver.received("/hooks/repair")).hasSize(1);
  }

  @Test
  void aSlowReceiverDoesNotBlockStart() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    receiver.hold("/hooks/slow", arrived, release);
    receiver.answer("/hooks/slow", new Answer(200, "done at last"));
    WebhookActionSpec spec = spec("/hooks/slow");
    ActionRequest request = Requests.forEnvironment("e1", 1);

    // Were start() to wait for the answer it would never return: the receiver holds the request
    // until this test releases it, which happens only after start() returned.
    String handle = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> action.start(request, spec));
    await().atMost(Duration.ofSeconds(5)).until(() -> arrived.getCount() == 0);

    assertThat(release.getCount()).as("the receiver is still holding the request").isEqualTo(1);
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.RUNNING);
    release.countDown();
    assertThat(awaitFinished(action, request, spec, handle).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void anUnreachableReceiverFailsTheStep() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    WebhookActionSpec spec = new WebhookActionSpec();
    spec.url = "http://127.0.0.1:" + closedPort + "/hooks/repair?token=abc";
    ActionRequest request = Requests.forEnvironment("e1", 1);

    ActionPoll failed = awaitFinished(action, request, spec, action.start(request, spec));

    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("/hooks/repair failed: ").doesNotContain("token=abc");
  }

  @Test
  void restartedOperatorReissuesAnUnansweredCallWithTheSameIdempotencyKey() throws Exception {
    receiver.answer("/hooks/repair", new Answer(200, "ok"));
    WebhookActionSpec spec = spec("/hooks/repair");
    ActionRequest request = Requests.forEnvironment("e1", 1);
    String handle = action.start(request, spec);
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("/hooks/repair").size() == 1);

    // The operator restarts before it saw the answer: a new instance knows only the handle.
    WebhookAction restarted = new WebhookAction(client, http, clock);

    assertThat(awaitFinished(restarted, request, spec, handle).state()).isEqualTo(State.SUCCEEDED);
    assertThat(receiver.received("/hooks/repair"))
        .extracting(r -> r.header("Idempotency-Key"))
        .containsExactly(request.workName(), request.workName());
  }

  @Test
  void completionPollsTheStatusUrlAtTheIntervalUntilDone() throws Exception {
    receiver.answer("/api/v2/job_templates/7/launch", new Answer(201, "{\"job\": 42, \"url\": \"/api/v2/jobs/42\"}"));
    receiver.answer("/api/v2/jobs/42",
        new Answer(200, "{\"status\": \"pending\"}"),
        new Answer(200, "{\"status\": \"running\"}"),
        new Answer(200, "{\"status\": \"successful\"}"));
    WebhookActionSpec spec = awxSpec();
    ActionRequest request = Requests.forEnvironment("e1", 1);

    String handle = action.start(request, spec);
    String accepted = awaitAccepted(action, request, spec, handle);

    assertThat(accepted).isEqualTo("webhook/" + request.workName() + "/accepted?job=42");

    // The first status check goes out on the next poll; then nothing more until the interval passed.
    action.track(request, spec, accepted);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> action.track(request, spec, accepted).message().contains("pending"));
    for (int i = 0; i < 5; i++) assertThat(action.track(request, spec, accepted).state()).isEqualTo(State.RUNNING);
    assertThat(sent.get()).as("the first call and one status check, however often polled").isEqualTo(2);
    clock.advance(Duration.ofSeconds(9));
    action.track(request, spec, accepted);
    assertThat(sent.get()).as("9s into a 10s interval").isEqualTo(2);

    AtomicReference<ActionPoll> last = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      clock.advance(Duration.ofSeconds(10));
      last.set(action.track(request, spec, accepted));
      return last.get().state() != State.RUNNING;
    });

    assertThat(last.get().state()).isEqualTo(State.SUCCEEDED);
    assertThat(last.get().handle()).isEqualTo(accepted);
    assertThat(receiver.received("/api/v2/jobs/42")).hasSize(3);
    assertThat(receiver.received("/api/v2/jobs/42").getFirst().header("Idempotency-Key")).isEqualTo(request.workName());
    assertThat(receiver.received("/api/v2/job_templates/7/launch")).hasSize(1);
  }

  @Test
  void completionFailsWhenTheStatusMatchesTheFailureRegex() throws Exception {
    receiver.answer("/api/v2/job_templates/7/launch", new Answer(201, "{\"job\": 43}"));
    receiver.answer("/api/v2/jobs/43", new Answer(200, "{\"status\": \"failed\", \"reason\": \"host unreachable\"}"));
    WebhookActionSpec spec = awxSpec();
    ActionRequest request = Requests.forEnvironment("e1", 1);
    String accepted = awaitAccepted(action, request, spec, action.start(request, spec));

    ActionPoll failed = awaitFinished(action, request, spec, accepted);

    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("reports failure").contains("host unreachable");
  }

  @Test
  void restartedOperatorResumesStatusPollingWithoutCallingAgain() throws Exception {
    receiver.answer("/api/v2/job_templates/7/launch", new Answer(201, "{\"job\": 44}"));
    receiver.answer("/api/v2/jobs/44", new Answer(200, "{\"status\": \"successful\"}"));
    WebhookActionSpec spec = awxSpec();
    ActionRequest request = Requests.forEnvironment("e1", 1);
    String accepted = awaitAccepted(action, request, spec, action.start(request, spec));

    WebhookAction restarted = new WebhookAction(client, http, clock);
    ActionPoll done = awaitFinished(restarted, request, spec, accepted);

    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(receiver.received("/api/v2/job_templates/7/launch")).hasSize(1);
    assertThat(receiver.received("/api/v2/jobs/44")).hasSize(1);
  }

  @Test
  void aFirstResponseWithoutTheFieldTheStatusUrlNeedsFails() throws Exception {
    receiver.answer("/api/v2/job_templates/7/launch", new Answer(201, "{\"id\": 45}"));
    WebhookActionSpec spec = awxSpec();
    ActionRequest request = Requests.forEnvironment("e1", 1);

    ActionPoll failed = awaitFinished(action, request, spec, action.start(request, spec));

    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("no scalar field 'job'");
  }

  @Test
  void aHandleOfOtherWorkIsRejected() {
    WebhookActionSpec spec = spec("/hooks/repair");

    assertThatThrownBy(() -> action.poll(Requests.forEnvironment("e1", 1), spec, "webhook/checkout-e0-s2-a1"))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("belongs to work checkout-e0-s2-a1");
    assertThatThrownBy(() -> action.poll(Requests.forEnvironment("e1", 1), spec, "job/shop/x"))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("not a webhook handle");
  }

  @Test
  void handlesRoundTripTheirResponseFields() throws Exception {
    var handle = new WebhookAction.WebhookHandle("checkout-e1-s2-a1", true, Map.of("job", "42", "path", "/a b&c"));

    assertThat(handle.toString()).isEqualTo("webhook/checkout-e1-s2-a1/accepted?job=42&path=%2Fa+b%26c");
    assertThat(WebhookAction.WebhookHandle.parse(handle.toString())).isEqualTo(handle);
  }

  @Test
  void durationsFollowTheCrdPattern() throws Exception {
    assertThat(WebhookAction.duration("f", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(WebhookAction.duration("f", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> WebhookAction.duration("webhook.completion.interval", "5 seconds"))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("webhook.completion.interval");
  }

  private WebhookActionSpec spec(String path) {
    WebhookActionSpec spec = new WebhookActionSpec();
    spec.url = receiver.url(path);
    return spec;
  }

  private WebhookActionSpec awxSpec() {
    WebhookActionSpec spec = spec("/api/v2/job_templates/7/launch");
    spec.completion = new WebhookCompletionSpec();
    spec.completion.statusUrl = receiver.url("/api/v2/jobs/${response.job}");
    spec.completion.successRegex = "\"status\":\\s*\"successful\"";
    spec.completion.failureRegex = "\"status\":\\s*\"(failed|error|canceled)\"";
    spec.completion.interval = "10s";
    return spec;
  }

  private static void createSecret(String name, Map<String, String> values) {
    var builder = new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata();
    values.forEach((k, v) -> builder.addToData(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.resource(builder.build()).create();
  }

  /** Polls until the first call was accepted and the handle moved on; returns the new handle. */
  private static String awaitAccepted(WebhookAction action, ActionRequest request, WebhookActionSpec spec, String handle) {
    AtomicReference<ActionPoll> last = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      last.set(action.track(request, spec, handle));
      return last.get().replaces(handle) || last.get().state() != State.RUNNING;
    });
    assertThat(last.get().state()).as(last.get().message()).isEqualTo(State.RUNNING);
    return last.get().handle();
  }

  /** Polls, as the reconciler would on each requeue, until the step finished. */
  private ActionPoll awaitFinished(WebhookAction action, ActionRequest request, WebhookActionSpec spec, String handle) {
    AtomicReference<ActionPoll> last = new AtomicReference<>();
    AtomicReference<String> current = new AtomicReference<>(handle);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      clock.advance(Duration.ofSeconds(10));
      last.set(action.track(request, spec, current.get()));
      current.set(last.get().handle());
      return last.get().state() != State.RUNNING;
    });
    return last.get();
  }
}

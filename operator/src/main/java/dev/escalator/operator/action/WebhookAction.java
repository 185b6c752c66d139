package dev.escalator.operator.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.escalator.operator.api.WebhookActionSpec;
import dev.escalator.operator.spec.Durations;
import dev.escalator.operator.api.WebhookCompletionSpec;
import dev.escalator.operator.template.Template;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an HTTP endpoint (AWX, Rundeck, Jenkins...) and, when {@code completion} is set, polls a
 * status URL until it reports success or failure.
 *
 * <p>Never blocks the caller: {@link #start} sends the request on a virtual thread and returns the
 * handle at once; {@link #poll} reports RUNNING until the answer is in. Status checks are sent the
 * same way, at most once per {@code completion.interval} of the injected clock.
 *
 * <p>Every request carries {@value #IDEMPOTENCY_KEY}: the work name, the same for every call made
 * for one request. An operator that restarts while a call is in flight cannot know whether it
 * arrived, so a poll that finds no record of the call sends it again with the same key: receivers
 * must treat a repeated key as the same request (de-duplicate on it), or the work may run twice.
 *
 * <p>Handles: {@code webhook/<workName>} while the first call is outstanding, then, with
 * completion, {@code webhook/<workName>/accepted?<field>=<value>...} carrying exactly the first
 * response's fields that {@code completion.statusUrl} refers to as {@code ${response.<field>}}, so
 * a restarted operator resumes status polling without calling the first URL again. Header values
 * from the Secret never reach handles, messages or logs; response bodies quoted in messages are
 * cut to {@value #EXCERPT_LENGTH} characters with any Secret value masked.
 */
public final class WebhookAction implements ActionProvider<WebhookActionSpec> {
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final String ESCALATION_HEADER = "X-Escalator-Escalation";
  static final int EXCERPT_LENGTH = 200;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAction.class);
  private static final String HANDLE_PREFIX = "webhook/";
  private static final String ACCEPTED = "/accepted";
  private static final String RESPONSE_PREFIX = "response.";
  /** A response field kept in the handle; longer ones would bloat status for little use. */
  private static final int MAX_HANDLE_FIELD_LENGTH = 100;
  /** Bodies are kept for regex and JSON matching; no status page needs more than this. */
  private static final int MAX_BODY_LENGTH = 64 * 1024;
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
  /** Records not polled for this long are dropped; the handle alone can still resume them. */
  private static final Duration RETAIN_UNPOLLED = Duration.ofHours(1);
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final HttpClient http;
  private final Clock clock;
  private final Duration requestTimeout;
  private final Executor executor;
  private final ConcurrentMap<String, Run> runs = new ConcurrentHashMap<>();

  public WebhookAction(KubernetesClient client, HttpClient http, Clock clock) {
    this(client, http, clock, DEFAULT_REQUEST_TIMEOUT);
  }

  public WebhookAction(KubernetesClient client, HttpClient http, Clock clock, Duration requestTimeout) {
    this(client, http, clock, requestTimeout,
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-", 0).factory()));
  }

  /** {@code executor} sends each request; tests pass one that counts what was sent when. */
  WebhookAction(KubernetesClient client, HttpClient http, Clock clock, Duration requestTimeout, Executor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public String start(ActionRequest request, WebhookActionSpec spec) throws ActionFailedException {
    String workName = request.workName();
    evictUnpolled();
    Run run = runs.get(workName);
    if (run == null) run = launchCall(request, spec);
    run.touch(clock.instant());
    return HANDLE_PREFIX + workName;
  }

  @Override
  public ActionProgress poll(ActionRequest request, WebhookActionSpec spec, String handle) throws ActionFailedException {
    return track(request, spec, handle).progress();
  }

  @Override
  public ActionPoll track(ActionRequest request, WebhookActionSpec spec, String handle) throws ActionFailedException {
    WebhookHandle parsed = WebhookHandle.parse(handle);
    if (!parsed.workName().equals(request.workName())) {
      throw new ActionFailedException("webhook handle " + handle + " belongs to work " + parsed.workName()
          + ", not to " + request.workName());
    }
    evictUnpolled();
    return parsed.accepted()
        ? new ActionPoll(checkStatus(request, spec, parsed), handle)
        : awaitCall(request, spec, parsed, handle);
  }

  private ActionPoll awaitCall(ActionRequest request, WebhookActionSpec spec, WebhookHandle handle, String raw)
      throws ActionFailedException {
    Run run = runs.get(handle.workName());
    if (run == null) {
      // No record: this operator did not send the call, or restarted since. Whether the first
      // one arrived is unknowable, so send it again; the unchanged Idempotency-Key lets the
      // receiver recognise it.
      run = launchCall(request, spec);
      LOG.info("webhook {}: no record of the call (operator restarted?); sent it again with the same {}",
          handle.workName(), IDEMPOTENCY_KEY);
    }
    run.touch(clock.instant());
    Exchange call = run.call();
    if (!call.reply().isDone()) return new ActionPoll(ActionProgress.running("waiting for " + call.describe()), raw);
    Reply reply;
    try {
      reply = call.reply().get();
    } catch (ExecutionException e) {
      return new ActionPoll(ActionProgress.failed(call.describe() + " failed: " + transportError(e)), raw);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a finished webhook reply", e);
    }
    if (!successful(spec, reply.status())) {
      return new ActionPoll(ActionProgress.failed(call.describe() + " answered " + reply.status() + ": " + reply.excerpt()), raw);
    }
    if (spec.completion == null) {
      return new ActionPoll(ActionProgress.succeeded(call.describe() + " answered " + reply.status()), raw);
    }
    Map<String, String> fields;
    try {
      fields = responseFields(spec.completion, reply);
    } catch (ActionFailedException e) {
      return new ActionPoll(ActionProgress.failed(call.describe() + " answered " + reply.status() + ", but " + e.getMessage()), raw);
    }
    String accepted = new WebhookHandle(handle.workName(), true, fields).toString();
    return new ActionPoll(ActionProgress.running(call.describe() + " accepted the work; polling its status"), accepted);
  }

  private ActionProgress checkStatus(ActionRequest request, WebhookActionSpec spec, WebhookHandle handle)
      throws ActionFailedException {
    WebhookCompletionSpec completion = spec.completion;
    if (completion == null) {
      throw new ActionFailedException("webhook handle " + handle + " expects completion polling, but webhook.completion is not set");
    }
    Pattern success = regex("webhook.completion.successRegex", completion.successRegex);
    Pattern failure = completion.failureRegex == null ? null : regex("webhook.completion.failureRegex", completion.failureRegex);
    Duration interval = duration("webhook.completion.interval", completion.interval);
    Map<String, String> responseVars = new TreeMap<>();
    handle.fields().forEach((k, v) -> responseVars.put(RESPONSE_PREFIX + k, v));
    String statusUrl = request.render("webhook.completion.statusUrl", completion.statusUrl, responseVars);

    // After a restart the record starts empty: the handle holds all the status phase needs.
    Run run = runs.computeIfAbsent(handle.workName(), k -> new Run());
    Instant now = clock.instant();
    synchronized (run) {
      run.touch(now);
      if (run.outcome != null) return run.outcome;
      if (run.statusCheck != null && run.statusCheck.reply().isDone()) {
        ActionProgress evaluated = evaluateStatus(run.statusCheck, success, failure);
        run.statusCheck = null;
        if (evaluated.state() != ActionProgress.State.RUNNING) {
          run.outcome = evaluated;
          return evaluated;
        }
        run.lastStatus = evaluated;
      }
      if (run.statusCheck == null && (run.lastStatusCheckAt == null || !now.isBefore(run.lastStatusCheckAt.plus(interval)))) {
        run.statusCheck = send(request, spec, "GET", statusUrl, null);
        run.lastStatusCheckAt = now;
      }
      return run.lastStatus != null ? run.lastStatus : ActionProgress.running("checking " + describe("GET", statusUrl));
    }
  }

  private static ActionProgress evaluateStatus(Exchange check, Pattern success, Pattern failure) {
    Reply reply;
    try {
      reply = check.reply().get();
    } catch (ExecutionException e) {
      // One unreachable status check is no verdict on the work; the level's timeout bounds retrying.
      return ActionProgress.running(check.describe() + " failed: " + transportError(e) + "; will check again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a finished webhook reply", e);
    }
    // Failure first: a body matching both is more likely a failure report that mentions success.
    if (failure != null && failure.matcher(reply.body()).find()) {
      return ActionProgress.failed(check.describe() + " reports failure: " + reply.excerpt());
    }
    if (success.matcher(reply.body()).find()) {
      return ActionProgress.succeeded(check.describe() + " reports success: " + reply.excerpt());
    }
    return ActionProgress.running(check.describe() + " answered " + reply.status() + ": " + reply.excerpt());
  }

  /** Sends the first call for {@code request} unless another thread just did; returns its record. */
  private Run launchCall(ActionRequest request, WebhookActionSpec spec) throws ActionFailedException {
    String method = spec.method == null ? "POST" : spec.method.toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) throw new ActionFailedException("webhook.method must be one of " + METHODS + ", not " + spec.method);
    String url = request.render("webhook.url", spec.url);
    String body = "GET".equals(method) ? null : (spec.body == null ? defaultBody(request) : request.render("webhook.body", spec.body));
    // Templates and the Secret are resolved before the record exists, so a bad spec fails this
    // call instead of leaving a record that never sends anything.
    PreparedCall prepared = prepare(request, spec, method, url, body);
    Run run = new Run(new Exchange(prepared.describe(), new CompletableFuture<>()));
    Run existing = runs.putIfAbsent(request.workName(), run);
    if (existing != null && existing.call() != null) return existing; // another thread sent it
    if (existing != null) runs.put(request.workName(), run);
    LOG.info("webhook {}: calling {} ({}: {})", request.workName(), prepared.describe(), IDEMPOTENCY_KEY, request.workName());
    dispatch(request, prepared, run.call());
    return run;
  }

  private Exchange send(ActionRequest request, WebhookActionSpec spec, String method, String url, String body)
      throws ActionFailedException {
    PreparedCall prepared = prepare(request, spec, method, url, body);
    Exchange exchange = new Exchange(prepared.describe(), new CompletableFuture<>());
    dispatch(request, prepared, exchange);
    return exchange;
  }

  private PreparedCall prepare(ActionRequest request, WebhookActionSpec spec, String method, String url, String body)
      throws ActionFailedException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ActionFailedException("webhook url is not a valid URL: " + e.getMessage(), e);
    }
    if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT)) || uri.getHost() == null) {
      throw new ActionFailedException("webhook url must be an absolute http(s) URL: " + describe(method, url));
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (spec.headers != null) headers.putAll(spec.headers);
    for (Map.Entry<String, String> e : headers.entrySet()) setHeader(builder, e.getKey(), e.getValue(), "webhook.headers");
    Map<String, String> secretHeaders = secretHeaders(request, spec);
    for (Map.Entry<String, String> e : secretHeaders.entrySet()) {
      setHeader(builder, e.getKey(), e.getValue(), "key " + e.getKey() + " of Secret " + request.namespace() + "/" + spec.headersFromSecret);
    }
    if (body != null && !headers.containsKey("Content-Type") && secretHeaders.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      builder.setHeader("Content-Type", "application/json");
    }
    builder.setHeader(IDEMPOTENCY_KEY, request.workName());
    builder.setHeader(ESCALATION_HEADER, request.escalationId());
    return new PreparedCall(describe(method, url), builder.build(), List.copyOf(secretHeaders.values()));
  }

  /** Sends on a virtual thread, so no caller waits for the receiver. */
  private void dispatch(ActionRequest request, PreparedCall prepared, Exchange exchange) {
    LOG.debug("webhook {}: sending {}", request.workName(), prepared.describe());
    executor.execute(() -> {
      try {
        HttpResponse<String> response = http.send(prepared.request(), HttpResponse.BodyHandlers.ofString());
        exchange.reply().complete(Reply.of(response.statusCode(), response.body(), prepared.secrets()));
      } catch (IOException | RuntimeException e) {
        exchange.reply().completeExceptionally(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.reply().completeExceptionally(e);
      }
    });
  }

  private static void setHeader(HttpRequest.Builder builder, String name, String value, String source) throws ActionFailedException {
    try {
      builder.header(name, value);
    } catch (IllegalArgumentException e) {
      // The JDK's message may quote the value, which can be a secret: name only the header.
      throw new ActionFailedException("header " + name + " from " + source + " cannot be sent (restricted name or invalid value)");
    }
  }

  /** The Secret's keys as header names; values decoded, trailing newlines (from `echo`) dropped. */
  private Map<String, String> secretHeaders(ActionRequest request, WebhookActionSpec spec) throws ActionFailedException {
    if (spec.headersFromSecret == null || spec.headersFromSecret.isBlank()) return Map.of();
    String describe = "Secret " + request.namespace() + "/" + spec.headersFromSecret + " (webhook.headersFromSecret)";
    Secret secret = client.secrets().inNamespace(request.namespace()).withName(spec.headersFromSecret).get();
    if (secret == null) throw new ActionFailedException(describe + " not found");
    Map<String, String> headers = new LinkedHashMap<>();
    if (secret.getData() != null) {
      for (Map.Entry<String, String> e : secret.getData().entrySet()) {
        try {
          headers.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8).stripTrailing());
        } catch (IllegalArgumentException notBase64) {
          throw new ActionFailedException(describe + ": key " + e.getKey() + " is not valid base64");
        }
      }
    }
    if (secret.getStringData() != null) secret.getStringData().forEach((k, v) -> headers.put(k, v.stripTrailing()));
    if (headers.isEmpty()) throw new ActionFailedException(describe + " has no keys to send as headers");
    return headers;
  }

  private String defaultBody(ActionRequest request) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("environment", request.environmentName());
    doc.put("namespace", request.namespace());
    doc.put("level", request.level());
    doc.put("escalationId", request.escalationId());
    doc.put("attempt", request.attempt());
    doc.put("target", request.target().key());
    if (request.target().tier() != null) doc.put("tier", request.target().tier());
    if (request.target().node() != null) doc.put("node", request.target().node());
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }

  /** The first response's top-level JSON fields that completion.statusUrl refers to. */
  private static Map<String, String> responseFields(WebhookCompletionSpec completion, Reply reply) throws ActionFailedException {
    Set<String> needed = Template.variables(completion.statusUrl).stream()
        .filter(v -> v.startsWith(RESPONSE_PREFIX))
        .map(v -> v.substring(RESPONSE_PREFIX.length()))
        .collect(Collectors.toSet());
    Map<String, String> fields = new TreeMap<>();
    if (needed.isEmpty()) return fields;
    JsonNode doc;
    try {
      doc = JSON.readTree(reply.body());
    } catch (JsonProcessingException e) {
      throw new ActionFailedException("its body is not JSON, so completion.statusUrl cannot use " + needed);
    }
    for (String field : needed) {
      JsonNode value = doc == null ? null : doc.get(field);
      if (value == null || value.isNull() || !value.isValueNode()) {
        throw new ActionFailedException("its JSON has no scalar field '" + field + "' for ${response." + field + "} in completion.statusUrl");
      }
      if (value.asText().length() > MAX_HANDLE_FIELD_LENGTH) {
        throw new ActionFailedException("its field '" + field + "' is longer than " + MAX_HANDLE_FIELD_LENGTH + " characters");
      }
      fields.put(field, value.asText());
    }
    return fields;
  }

  private static boolean successful(WebhookActionSpec spec, int status) {
    return spec.successStatus == null || spec.successStatus.isEmpty()
        ? status >= 200 && status < 300
        : spec.successStatus.contains(status);
  }

  private static Pattern regex(String field, String regex) throws ActionFailedException {
    if (regex == null) throw new ActionFailedException(field + " is required");
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ActionFailedException(field + " is not a valid regular expression: " + e.getDescription());
    }
  }

  /** Kubernetes-style duration, as the CRD's pattern allows: {@code 5s}, {@code 1m30s}, {@code 500ms}. */
  static Duration duration(String field, String text) throws ActionFailedException {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ActionFailedException(field + ": " + e.getMessage());
    }
  }

  /** Method and URL without query or user info, which may carry tokens: safe for messages and logs. */
  private static String describe(String method, String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) return method + " (invalid URL)";
      return method + " " + uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + Objects.requireNonNullElse(uri.getRawPath(), "");
    } catch (IllegalArgumentException e) {
      return method + " (invalid URL)";
    }
  }

  private static String transportError(ExecutionException e) {
    Throwable cause = e.getCause();
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
  }

  private void evictUnpolled() {
    Instant cutoff = clock.instant().minus(RETAIN_UNPOLLED);
    runs.values().removeIf(run -> run.idleSince(cutoff));
  }

  /** A request ready to send; {@code secrets} are kept only to mask them in response excerpts. */
  private record PreparedCall(String describe, HttpRequest request, List<String> secrets) {
    @Override
    public String toString() {
      return "PreparedCall[" + describe + "]"; // a record's default toString would print the secrets
    }
  }

  /** One HTTP exchange in flight or done; {@code describe} is safe to show. */
  private record Exchange(String describe, CompletableFuture<Reply> reply) {}

  /** A response, its body capped, with an excerpt for messages that masks every Secret value. */
  private record Reply(int status, String body, String excerpt) {
    static Reply of(int status, String body, List<String> secrets) {
      String kept = body == null ? "" : body.length() > MAX_BODY_LENGTH ? body.substring(0, MAX_BODY_LENGTH) : body;
      String masked = kept;
      for (String secret : secrets) {
        if (!secret.isEmpty()) masked = masked.replace(secret, "***");
      }
      masked = masked.replaceAll("\\s+", " ").strip();
      if (masked.length() > EXCERPT_LENGTH) masked = masked.substring(0, EXCERPT_LENGTH - 3) + "...";
      return new Reply(status, kept, masked);
    }
  }

  /** What this operator knows about one work name's calls; lost on restart, rebuilt from the handle. */
  private static final class Run {
    private final Exchange call;
    private Exchange statusCheck;
    private Instant lastStatusCheckAt;
    private ActionProgress lastStatus;
    private ActionProgress outcome;
    private Instant touchedAt;

    Run() {
      this(null);
    }

    Run(Exchange call) {
      this.call = call;
    }

    Exchange call() {
      return call;
    }

    synchronized void touch(Instant now) {
      touchedAt = now;
    }

    synchronized boolean idleSince(Instant cutoff) {
      boolean inFlight = (call != null && !call.reply().isDone()) || (statusCheck != null && !statusCheck.reply().isDone());
      return !inFlight && touchedAt != null && touchedAt.isBefore(cutoff);
    }
  }

  /** The parsed handle: work name, whether the first call was accepted, and the kept response fields. */
  record WebhookHandle(String workName, boolean accepted, Map<String, String> fields) {
    WebhookHandle {
      fields = Map.copyOf(fields);
    }

    static WebhookHandle parse(String handle) throws ActionFailedException {
      if (handle == null || !handle.startsWith(HANDLE_PREFIX)) throw new ActionFailedException("not a webhook handle: " + handle);
      String rest = handle.substring(HANDLE_PREFIX.length());
      String query = null;
      int q = rest.indexOf('?');
      if (q >= 0) {
        query = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
      boolean accepted = rest.endsWith(ACCEPTED);
      String workName = accepted ? rest.substring(0, rest.length() - ACCEPTED.length()) : rest;
      if (workName.isEmpty() || workName.contains("/") || (query != null && !accepted)) {
        throw new ActionFailedException("not a webhook handle: " + handle);
      }
      Map<String, String> fields = new TreeMap<>();
      if (query != null && !query.isEmpty()) {
        for (String pair : query.split("&")) {
          int eq = pair.indexOf('=');
          if (eq <= 0) throw new ActionFailedException("not a webhook handle: " + handle);
          fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return new WebhookHandle(workName, accepted, fields);
    }

    @Override
    public String toString() {
      if (!accepted) return HANDLE_PREFIX + workName;
      String query = new TreeMap<>(fields).entrySet().stream()
          .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
      return HANDLE_PREFIX + workName + ACCEPTED + (query.isEmpty() ? "" : "?" + query);
    }
  }
}

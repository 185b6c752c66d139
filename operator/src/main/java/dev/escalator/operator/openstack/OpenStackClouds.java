package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ProviderHealth;
import dev.escalator.operator.api.OpenStackCloudSpec;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections to OpenStack clouds, shared by the provider's actions and checks.
 *
 * <p>Credentials come from the environment's clouds.yaml Secret, read through {@link SecretSource}
 * at every use (a rotated Secret takes effect at once). Tokens are cached per cloud, user and
 * project, and renewed before they expire or when the API answers 401. Every call is retried with
 * exponential backoff on transient errors (unreachable, timeouts, 5xx, 429) and goes through one
 * circuit breaker per Keystone endpoint: a cloud that keeps failing is left alone for a while
 * instead of being hammered, and its state is reported to the {@code circuitListener} (metrics) and
 * readable with {@link #circuitStates()} (status).
 */
public final class OpenStackClouds {
  private static final Logger LOG = LoggerFactory.getLogger(OpenStackClouds.class);

  /** Reads a Secret's decoded data; empty when the Secret does not exist. */
  @FunctionalInterface
  public interface SecretSource {
    Optional<Map<String, String>> read(String namespace, String name);
  }

  /** Timeouts, retries and circuit breaker thresholds. */
  public record Settings(
      Duration connectTimeout,
      Duration readTimeout,
      int maxAttempts,
      Duration retryWait,
      int circuitMinimumCalls,
      float circuitFailureRatePercent,
      Duration circuitOpenFor,
      Duration tokenRenewBefore) {

    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), 3, Duration.ofMillis(300), 6, 50f,
          Duration.ofSeconds(30), Duration.ofMinutes(5));
    }
  }

  /** Which project a session is scoped to. */
  public enum ProjectScope {
    /** The project named in clouds.yaml: where the credentials live (creating the environment's project). */
    CREDENTIALS,
    /** The environment's own project (spec.provider.openstack.project): everything else. */
    ENVIRONMENT
  }

  private final SecretSource secrets;
  private final Settings settings;
  private final Clock clock;
  private final BiConsumer<String, String> circuitListener;
  private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Token> tokens = new ConcurrentHashMap<>();
  /** The Keystone endpoint each environment last used, for {@link #endpoints}. */
  private final ConcurrentMap<String, String> environmentEndpoints = new ConcurrentHashMap<>();
  private final Retry retry;

  public OpenStackClouds(SecretSource secrets, Settings settings, Clock clock, BiConsumer<String, String> circuitListener) {
    this.secrets = secrets;
    this.settings = settings;
    this.clock = clock;
    this.circuitListener = circuitListener;
    this.retry = Retry.of("openstack", RetryConfig.custom()
        .maxAttempts(settings.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryWait(), 2.0))
        .retryOnException(OpenStackClouds::isTransient)
        .build());
  }

  /**
   * The session for an environment's cloud.
   *
   * @throws OpenStackConfigException when the Secret or its clouds.yaml is missing or wrong
   */
  public Session session(String namespace, OpenStackCloudSpec spec, String environment, ProjectScope scope)
      throws OpenStackConfigException {
    String key = spec.secretKey == null ? "clouds.yaml" : spec.secretKey;
    Map<String, String> data = secrets.read(namespace, spec.credentialsSecret)
        .orElseThrow(() -> new OpenStackConfigException("Secret " + namespace + "/" + spec.credentialsSecret + " not found"));
    String yaml = data.get(key);
    if (yaml == null) {
      throw new OpenStackConfigException("Secret " + namespace + "/" + spec.credentialsSecret + " has no key " + key
          + " (keys: " + String.join(", ", new TreeMap<>(data).keySet()) + ")");
    }
    CloudCredentials credentials = CloudCredentials.parse(yaml, spec.cloud);
    environmentEndpoints.put(namespace + "/" + environment, credentials.authUrl());
    String project = scope == ProjectScope.ENVIRONMENT ? environmentProject(namespace, environment, spec) : credentials.projectName();
    String projectDomain = scope == ProjectScope.ENVIRONMENT && spec.projectDomain != null ? spec.projectDomain : credentials.projectDomain();
    if (project == null) throw new OpenStackConfigException("cloud '" + spec.cloud + "': auth.project_name is required");
    return new Session(credentials, project, projectDomain);
  }

  /** The environment's project name: spec.provider.openstack.project, or {@code <namespace>-<environment>}. */
  public static String environmentProject(String namespace, String environment, OpenStackCloudSpec spec) {
    return spec.project != null && !spec.project.isBlank() ? spec.project : namespace + "-" + environment;
  }

  /** The endpoint an environment uses and its circuit state, once it has used one. */
  public List<ProviderHealth.Endpoint> endpoints(String namespace, String environment) {
    String endpoint = environmentEndpoints.get(namespace + "/" + environment);
    CircuitBreaker cb = endpoint == null ? null : breakers.get(endpoint);
    return cb == null ? List.of() : List.of(new ProviderHealth.Endpoint(OpenStackProvider.TYPE, endpoint, cb.getState().name()));
  }

  /** Forgets an environment that is gone. */
  public void forget(String namespace, String environment) {
    environmentEndpoints.remove(namespace + "/" + environment);
  }

  /** Circuit breaker state per Keystone endpoint: CLOSED, OPEN, HALF_OPEN... */
  public Map<String, String> circuitStates() {
    Map<String, String> out = new TreeMap<>();
    breakers.forEach((endpoint, cb) -> out.put(endpoint, cb.getState().name()));
    return out;
  }

  /** An authenticated view of one cloud, user and project. Thread-safe; cheap to create. */
  public final class Session {
    private final CloudCredentials credentials;
    private final String project;
    private final String projectDomain;

    private Session(CloudCredentials credentials, String project, String projectDomain) {
      this.credentials = credentials;
      this.project = project;
      this.projectDomain = projectDomain;
    }

    public String project() {
      return project;
    }

    public CloudCredentials credentials() {
      return credentials;
    }

    /** The id of the authenticated user and of the scoped project, from the current token. */
    public String userId() throws OpenStackException {
      return call("keystone: authenticate", os -> os.getToken().getUser().getId());
    }

    /**
     * Runs {@code fn} with a client for this session, retried on transient errors and through the
     * cloud's circuit breaker. {@code what} names the call in errors, e.g. {@code nova: boot server
     * web-1}.
     */
    public <T> T call(String what, Function<OSClientV3, T> fn) throws OpenStackException {
      return execute(what, fn, true);
    }

    /**
     * Like {@link #call}, without retries: for creates, which the API does not make idempotent. A
     * create whose answer was lost may have happened; retrying it blindly could make a duplicate.
     * The caller's next "ensure" looks the resource up first instead.
     */
    public <T> T create(String what, Function<OSClientV3, T> fn) throws OpenStackException {
      return execute(what, fn, false);
    }

    private <T> T execute(String what, Function<OSClientV3, T> fn, boolean retried) throws OpenStackException {
      CircuitBreaker breaker = breaker(credentials.authUrl());
      try {
        CheckedSupplier<T> once = () -> breaker.executeCheckedSupplier(() -> attempt(fn));
        return retried ? Retry.decorateCheckedSupplier(retry, once).get() : once.get();
      } catch (CallNotPermittedException e) {
        throw new OpenStackException(what + ": the circuit breaker for " + credentials.authUrl()
            + " is open after repeated failures; calls resume in up to " + settings.circuitOpenFor().toSeconds() + "s", 0, true, e);
      } catch (ResponseException e) {
        throw translate(what, e);
      } catch (OpenStackException e) {
        throw e;
      } catch (RuntimeException e) {
        throw translate(what, e);
      } catch (Throwable e) {
        throw new OpenStackException(what + ": " + e.getClass().getSimpleName(), 0, true, e);
      }
    }

    private <T> T attempt(Function<OSClientV3, T> fn) {
      try {
        return fn.apply(client(false));
      } catch (AuthenticationException e) {
        // An expired or revoked token: authenticate again once.
        return fn.apply(client(true));
      }
    }

    private OSClientV3 client(boolean renew) {
      String key = credentials.endpointKey() + " " + projectDomain + "/" + project;
      Token token = renew ? null : tokens.get(key);
      Instant renewAt = clock.instant().plus(settings.tokenRenewBefore());
      if (token != null && token.getExpires() != null && token.getExpires().toInstant().isAfter(renewAt)) {
        OSClientV3 os = OSFactory.clientFromToken(token, Facing.PUBLIC, config());
        if (credentials.region() != null) os.useRegion(credentials.region());
        return os;
      }
      OSClientV3 os = OSFactory.builderV3()
          .endpoint(credentials.authUrl())
          .credentials(credentials.username(), credentials.password(), identifier(credentials.userDomain()))
          .scopeToProject(identifier(project), identifier(projectDomain))
          .withConfig(config())
          .authenticate();
      if (credentials.region() != null) os.useRegion(credentials.region());
      tokens.put(key, os.getToken());
      return os;
    }
  }

  /** Drops every cached token (a test, or a cloud whose credentials were rotated). */
  public void forgetTokens() {
    tokens.clear();
  }

  private Config config() {
    Config config = Config.newConfig()
        .withConnectionTimeout((int) settings.connectTimeout().toMillis())
        .withReadTimeout((int) settings.readTimeout().toMillis());
    return config;
  }

  private CircuitBreaker breaker(String endpoint) {
    return breakers.computeIfAbsent(endpoint, e -> {
      CircuitBreaker cb = CircuitBreaker.of("openstack " + e, CircuitBreakerConfig.custom()
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(Math.max(settings.circuitMinimumCalls(), 10))
          .minimumNumberOfCalls(settings.circuitMinimumCalls())
          .failureRateThreshold(settings.circuitFailureRatePercent())
          .waitDurationInOpenState(settings.circuitOpenFor())
          .permittedNumberOfCallsInHalfOpenState(1)
          .recordException(OpenStackClouds::isTransient)
          .build());
      cb.getEventPublisher().onStateTransition(t -> {
        String state = t.getStateTransition().getToState().name();
        LOG.warn("OpenStack circuit breaker for {}: {}", e, t.getStateTransition());
        circuitListener.accept(e, state);
      });
      circuitListener.accept(e, cb.getState().name());
      return cb;
    });
  }

  /** Unreachable, timed out, 5xx, 408 or 429: worth retrying later. */
  static boolean isTransient(Throwable t) {
    if (t instanceof OpenStackException e) return e.isTransient();
    if (t instanceof ConnectionException) return true;
    if (t instanceof ClientResponseException e) return e.getStatus() == 408 || e.getStatus() == 429;
    if (t instanceof ResponseException e) {
      int s = e.getStatus();
      return s == 0 || s == 408 || s == 429 || s >= 500;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException) return true;
    }
    return false;
  }

  private static OpenStackException translate(String what, RuntimeException e) {
    int status = e instanceof ResponseException r ? r.getStatus() : 0;
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    String prefix = status > 0 ? "HTTP " + status + " " : "";
    if (e instanceof ConnectionException || (status == 0 && isTransient(e))) prefix = "unreachable: ";
    return new OpenStackException(what + ": " + prefix + detail, status, isTransient(e), e);
  }

  private static String firstLine(String s) {
    String line = s.lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** clouds.yaml gives domains by name, or by id when prefixed {@code id:} by the parser. */
  static Identifier identifier(String value) {
    return value.startsWith("id:") ? Identifier.byId(value.substring(3)) : Identifier.byName(value);
  }
}

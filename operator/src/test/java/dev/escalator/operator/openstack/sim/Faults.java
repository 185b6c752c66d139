package dev.escalator.operator.openstack.sim;

import dev.escalator.operator.openstack.sim.Cloud.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The simulator's fault injection, set from test code (never over HTTP). Transport faults act on
 * requests as they arrive, before the service sees them: an outage of one service (503 or a
 * dropped connection), of the whole API (connection refused), errors for the next N matching calls
 * or at a rate, 429 with Retry-After, added latency, and errors sent after the call took effect
 * (the reply is lost, the change is not: the case that makes "ensure" necessary). Cloud faults act
 * on state: slow builds and actions, builds that end in ERROR, servers killed behind the client's
 * back, revoked tokens.
 *
 * <p>Rules are checked in the order they were added; the first error rule that matches a request
 * answers it (and uses up one of its count). Latency rules all add up. Thread-safe.
 */
public final class Faults {
  /** How a service that is down fails its callers. */
  public enum Outage {
    /** 503 with an HTML body, as a load balancer answers when no backend is up. */
    SERVICE_UNAVAILABLE,
    /** The connection is closed without any reply: the client sees an I/O error. */
    CONNECTION_RESET
  }

  /** What becomes of a server killed behind the client's back. */
  public enum ServerDeath {
    /** The server is gone, its ports with it (as after an operator's manual delete). */
    VANISH,
    /** The server stays, in ERROR with a fault (as after a hypervisor failure). */
    ERROR
  }

  /**
   * Which requests a rule applies to: a service, a method, a path template, each null for any.
   * Templates are the request-counter keys without the method, e.g. {@code /compute/v2.1/servers/{id}}.
   */
  public record Match(Service service, String method, String template) {
    public static Match any() {
      return new Match(null, null, null);
    }

    public static Match service(Service service) {
      return new Match(Objects.requireNonNull(service, "service"), null, null);
    }

    /** One call, as the counters name it: {@code "POST /compute/v2.1/servers"}. */
    public static Match call(String methodAndTemplate) {
      int space = methodAndTemplate.indexOf(' ');
      if (space <= 0) throw new IllegalArgumentException("expected \"METHOD /template\", got " + methodAndTemplate);
      String template = methodAndTemplate.substring(space + 1);
      return new Match(Service.forPath(template), methodAndTemplate.substring(0, space), template);
    }

    boolean test(Service s, String method, String key) {
      return (service == null || service == s) && (this.method == null || this.method.equals(method))
          && (template == null || key.equals(method + " " + template));
    }
  }

  /** What the transport does with one request. {@code status} null: let the service answer. */
  record Decision(Duration delay, Outage outage, Integer status, boolean afterApplying, Duration retryAfter) {
    static final Decision NONE = new Decision(Duration.ZERO, null, null, false, null);
  }

  private sealed interface Rule permits FailNext, FailRate, Latency {}

  private static final class FailNext implements Rule {
    final Match match;
    int remaining;
    final int status;
    final boolean afterApplying;
    final Duration retryAfter;

    FailNext(Match match, int remaining, int status, boolean afterApplying, Duration retryAfter) {
      this.match = match;
      this.remaining = remaining;
      this.status = status;
      this.afterApplying = afterApplying;
      this.retryAfter = retryAfter;
    }
  }

  private record FailRate(Match match, double rate, int status) implements Rule {}

  private record Latency(Match match, Duration delay) implements Rule {}

  private final Cloud cloud;
  private final Runnable refuse;
  private final Runnable accept;
  private final Map<Service, Outage> outages = new EnumMap<>(Service.class);
  private final List<Rule> rules = new ArrayList<>();
  private Random random = new Random(42);

  Faults(Cloud cloud, Runnable refuse, Runnable accept) {
    this.cloud = cloud;
    this.refuse = refuse;
    this.accept = accept;
  }

  // ---------------------------------------------------------------- transport faults

  /** Takes one service down: its requests get 503 until {@link #serviceUp}. */
  public Faults serviceDown(Service service) {
    return serviceDown(service, Outage.SERVICE_UNAVAILABLE);
  }

  public synchronized Faults serviceDown(Service service, Outage how) {
    outages.put(Objects.requireNonNull(service, "service"), Objects.requireNonNull(how, "how"));
    return this;
  }

  public synchronized Faults serviceUp(Service service) {
    outages.remove(service);
    return this;
  }

  /** Takes the whole API down: the listening socket closes, so connecting is refused. */
  public Faults refuseConnections() {
    refuse.run();
    return this;
  }

  /** Brings the API back on the same port (state kept, as after a control-plane restart). */
  public Faults acceptConnections() {
    accept.run();
    return this;
  }

  /** The next {@code count} matching requests are answered {@code status} (e.g. 500) and do nothing. */
  public synchronized Faults failNext(Match match, int count, int status) {
    rules.add(new FailNext(match, count, status, false, null));
    return this;
  }

  /**
   * The next {@code count} matching requests take effect, then are answered {@code status}: the
   * client cannot know its create worked, and a blind retry makes a duplicate.
   */
  public synchronized Faults failNextAfterApplying(Match match, int count, int status) {
    rules.add(new FailNext(match, count, status, true, null));
    return this;
  }

  /** Each matching request fails with {@code status} with probability {@code rate}, from a seeded random. */
  public synchronized Faults failRate(Match match, double rate, int status) {
    if (rate < 0 || rate > 1) throw new IllegalArgumentException("rate must be within [0, 1]: " + rate);
    rules.add(new FailRate(match, rate, status));
    return this;
  }

  /** The next {@code count} matching requests get 429 Too Many Requests with Retry-After in whole seconds. */
  public synchronized Faults throttleNext(Match match, int count, Duration retryAfter) {
    rules.add(new FailNext(match, count, 429, false, retryAfter));
    return this;
  }

  /** Matching requests are answered {@code delay} later (real time, on the request's own thread). */
  public synchronized Faults latency(Match match, Duration delay) {
    rules.add(new Latency(match, delay));
    return this;
  }

  /** Reseeds the random behind {@link #failRate}, for a reproducible run. */
  public synchronized Faults seed(long seed) {
    random = new Random(seed);
    return this;
  }

  /** Removes every transport fault and outage (cloud faults stay as set). */
  public synchronized Faults clear() {
    outages.clear();
    rules.clear();
    return this;
  }

  synchronized Decision decide(Service service, String method, String key) {
    Duration delay = Duration.ZERO;
    for (Rule r : rules) if (r instanceof Latency l && l.match().test(service, method, key)) delay = delay.plus(l.delay());
    Outage outage = outages.get(service);
    if (outage != null) return new Decision(delay, outage, null, false, null);
    for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
      Rule r = it.next();
      if (r instanceof FailNext f && f.match.test(service, method, key)) {
        if (--f.remaining <= 0) it.remove();
        return new Decision(delay, null, f.status, f.afterApplying, f.retryAfter);
      }
      if (r instanceof FailRate f && f.match().test(service, method, key) && random.nextDouble() < f.rate()) {
        return new Decision(delay, null, f.status(), false, null);
      }
    }
    return delay.isZero() ? Decision.NONE : new Decision(delay, null, null, false, null);
  }

  // ---------------------------------------------------------------- cloud faults

  /** Server builds take this long on the simulator's clock (default zero: ACTIVE at the next GET). */
  public Faults buildDelay(Duration delay) {
    withLock(() -> cloud.buildDelay = Objects.requireNonNull(delay));
    return this;
  }

  /** Reboot, rebuild, stop and start take this long on the simulator's clock (default zero). */
  public Faults actionDelay(Duration delay) {
    withLock(() -> cloud.actionDelay = Objects.requireNonNull(delay));
    return this;
  }

  /**
   * The next {@code count} server creates are accepted (202) but their builds end in ERROR with
   * {@code message} as the fault: half-created servers that exist, count against quota and must be
   * deleted. Their ports are released, as Nova does after a failed build.
   */
  public Faults failNextBuilds(int count, String message) {
    withLock(() -> {
      cloud.failNextBuilds = count;
      cloud.failBuildMessage = Objects.requireNonNull(message, "message");
    });
    return this;
  }

  /** Kills a server behind the client's back; false when there is no such server. */
  public boolean killServer(String serverId, ServerDeath how) {
    cloud.lock.lock();
    try {
      Server s = cloud.servers.get(serverId);
      if (s == null) return false;
      cloud.settle(s);
      if (how == ServerDeath.VANISH) cloud.removeServer(s);
      else {
        cloud.fail(s, "Simulated failure: the hypervisor " + s.host + " lost the instance.", 500);
        s.powerState = 4;
      }
      return true;
    } finally {
      cloud.lock.unlock();
    }
  }

  /** Invalidates every token: the next call of each client gets 401 and must authenticate again. */
  public Faults revokeAllTokens() {
    withLock(cloud.tokens::clear);
    return this;
  }

  private void withLock(Runnable r) {
    cloud.lock.lock();
    try {
      r.run();
    } finally {
      cloud.lock.unlock();
    }
  }
}

package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.escalator.operator.openstack.sim.Cloud.FixedIp;
import dev.escalator.operator.openstack.sim.Cloud.Network;
import dev.escalator.operator.openstack.sim.Cloud.Pool;
import dev.escalator.operator.openstack.sim.Cloud.Port;
import dev.escalator.operator.openstack.sim.Cloud.Project;
import dev.escalator.operator.openstack.sim.Cloud.Server;
import dev.escalator.operator.openstack.sim.Cloud.Subnet;
import dev.escalator.operator.openstack.sim.Cloud.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An in-process simulator of the OpenStack APIs Escalator's provider calls through openstack4j
 * 3.12: Keystone v3, Nova 2.1, Neutron v2.0, Glance v2 and a stub of Placement, each under its own
 * path prefix ({@code /identity}, {@code /compute}, {@code /network}, {@code /image},
 * {@code /placement}) on one ephemeral port of 127.0.0.1, with a Keystone catalog pointing at them.
 * It is a simulator, not OpenStack: it keeps state in memory, answers in the real wire formats and
 * with the real status codes and error bodies, and lets tests inject faults ({@link #faults()}) and
 * count what clients did ({@link #requests}, {@link #count}).
 *
 * <p>Seeded cloud: domain {@value #DOMAIN}; project {@value #ADMIN_PROJECT} with user
 * {@value #ADMIN_USER} / {@value #ADMIN_PASSWORD} holding the admin role; project
 * {@value #MEMBER_PROJECT} with user {@value #MEMBER_USER} / {@value #MEMBER_PASSWORD} holding
 * member; roles admin, member, reader; flavors m1.nano (id 42), m1.micro (84), m1.tiny (1), m1.small
 * (2); image {@value #IMAGE}; an external shared network {@value #PUBLIC_NETWORK} with subnet
 * 172.24.4.0/24; three hypervisors. Neutron makes each project's "default" security group on the
 * project's first network call, as real Neutron does, so it shows in the counts.
 *
 * <p>What openstack4j needs, found by reading it: a {@code X-Subject-Token} header on the token
 * answer (201); catalog entries whose type and name both map to the service (type
 * {@code compute}, name {@code nova}: either alone is not resolved); Nova's catalog URL carrying
 * {@code /v2.1} while Neutron's and Glance's carry no version (openstack4j appends {@code /v2.0}
 * and {@code /v2}); bodies wrapped in their root key ({@code {"server": {...}}}); Nova at 2.1 (no
 * microversion header is sent). On 401 openstack4j authenticates again once and retries, which is
 * how token expiry ({@link #tokenLifetime}) and {@link Faults#revokeAllTokens()} play out.
 *
 * <p>openstack4j quirks the tests pin down (they hold against real OpenStack too):
 * <ul>
 *   <li>Its session is a thread local: a client made on one thread is not current on another; use
 *       {@code OSFactory.clientFromToken(token)} on each (virtual) thread.
 *   <li>{@code servers().boot()} returns a server with no status (Nova's 202 carries none);
 *       {@code servers().list()} and {@code list(Map)} read {@code /servers/detail}.
 *   <li>{@code waitForServerStatus} and {@code bootAndWaitActive} sleep a real second between
 *       polls on the calling thread: poll with {@code get} instead.
 *   <li>{@code Server.getFlavor()} and {@code getImage()} each make another GET.
 *   <li>{@code roles().checkProjectUserRole} throws (status 0) for a missing grant: HEAD 404 has a
 *       JSON content type and no body, which it tries to parse. List the user's roles instead.
 *   <li>{@code resourceTags().addSingle} puts the tag in the path unencoded: a tag with a slash
 *       404s. Use {@code replace} (tags in the body).
 *   <li>A 429's {@code Retry-After} is not kept in the exception; only the status is.
 *   <li>{@code Builders.subnet()} always sends {@code enable_dhcp} (false unless set).
 *   <li>An admin-scoped client sees every project's Neutron resources in lists (as in Neutron):
 *       filter by {@code project_id} when looking a name up.
 * </ul>
 *
 * <p>Thread-safe: requests are served on virtual threads and every one runs under one lock.
 */
public final class OpenStackSimulator implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpenStackSimulator.class);
  public static final String REGION = "RegionOne";
  public static final String DOMAIN = Cloud.DOMAIN_NAME;
  public static final String ADMIN_USER = "admin";
  public static final String ADMIN_PASSWORD = "sim-admin-secret";
  public static final String ADMIN_PROJECT = "admin";
  public static final String MEMBER_USER = "demo";
  public static final String MEMBER_PASSWORD = "sim-demo-secret";
  public static final String MEMBER_PROJECT = "demo";
  public static final String PUBLIC_NETWORK = "public";
  public static final String IMAGE = "cirros";

  /**
   * A state-changing request (POST, PUT, PATCH or DELETE; issuing a token excluded) the simulator
   * handed to its service, numbered from 1 in the order the services finished them.
   *
   * @param call the counter key, e.g. {@code "POST /compute/v2.1/servers"}
   * @param path the request's path, ids included
   * @param name the {@code name} of the body's first root object that has one ({@code {"server": {"name": ...}}}), or null
   * @param status the status the service answered (before any injected fault replaced it)
   */
  public record Mutation(long seq, String call, String path, String name, int status) {}

  /** What becomes of the reply to a {@link Mutation}. */
  public enum Delivery {
    REPLY,
    /** The change stays, the connection is closed without a reply: the client cannot know it worked. */
    DROP_REPLY
  }

  /** What a test may read of a server, beyond what the API shows (user data, host). */
  public record ServerView(String id, String name, String projectId, String status, String host, String imageId, String flavorId,
      String keyName, String userData, Map<String, String> metadata, String groupId, List<String> addresses) {}

  private final Cloud cloud;
  private final Faults faults;
  private final Map<Service, ServiceApi> apis = new EnumMap<>(Service.class);
  private final NovaApi nova;
  private final Map<String, LongAdder> requestCounts = new ConcurrentHashMap<>();
  private final List<Mutation> mutations = new ArrayList<>();
  private volatile Function<Mutation, Delivery> mutationListener = m -> Delivery.REPLY;
  private ExecutorService executor;
  private HttpServer server;
  private int port;

  /** A simulator on the system clock. */
  public OpenStackSimulator() {
    this(Clock.systemUTC());
  }

  /** A simulator whose token expiry and build and action delays follow {@code clock}. */
  public OpenStackSimulator(Clock clock) {
    cloud = new Cloud(clock);
    faults = new Faults(cloud, this::refuse, this::accept);
    Supplier<String> base = this::baseUrl;
    apis.put(Service.IDENTITY, new KeystoneApi(cloud, base, this::catalog));
    nova = new NovaApi(cloud, base);
    apis.put(Service.COMPUTE, nova);
    apis.put(Service.NETWORK, new NeutronApi(cloud, base));
    apis.put(Service.IMAGE, new GlanceApi(cloud, base));
    apis.put(Service.PLACEMENT, new PlacementApi(cloud, base));
    seed();
  }

  /**
   * Runs a simulator until the process is stopped, printing its endpoint and a clouds.yaml: for
   * trying the provider or the {@code openstack} CLI against it by hand.
   */
  public static void main(String[] args) throws InterruptedException {
    OpenStackSimulator sim = new OpenStackSimulator().start();
    Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
    System.out.println("OpenStack simulator (not OpenStack) on " + sim.identityEndpoint());
    System.out.print(sim.cloudsYaml("simulator"));
    Thread.currentThread().join();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts serving on an ephemeral port of 127.0.0.1. */
  public synchronized OpenStackSimulator start() {
    if (server != null) throw new IllegalStateException("already started");
    executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openstack-sim-", 0).factory());
    bind(0);
    return this;
  }

  @Override
  public synchronized void close() {
    if (server != null) server.stop(0);
    server = null;
    if (executor != null) executor.shutdownNow();
  }

  private void bind(int wanted) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + wanted, e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  private synchronized void refuse() {
    if (server == null) return;
    server.stop(0);
    server = null;
  }

  private synchronized void accept() {
    if (server != null) return;
    if (executor == null) throw new IllegalStateException("never started");
    bind(port);
  }

  // ---------------------------------------------------------------- endpoints and credentials

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The Keystone v3 URL to authenticate against: {@code http://127.0.0.1:PORT/identity/v3}. */
  public String identityEndpoint() {
    return endpoint(Service.IDENTITY);
  }

  /** A service's URL as the catalog gives it. */
  public String endpoint(Service service) {
    return baseUrl() + service.prefix() + service.catalogSuffix();
  }

  /** A clouds.yaml for the admin user, with the simulator as {@code cloudName}. */
  public String cloudsYaml(String cloudName) {
    return "clouds:\n"
        + "  " + cloudName + ":\n"
        + "    auth:\n"
        + "      auth_url: " + identityEndpoint() + "\n"
        + "      username: " + ADMIN_USER + "\n"
        + "      password: " + ADMIN_PASSWORD + "\n"
        + "      project_name: " + ADMIN_PROJECT + "\n"
        + "      user_domain_name: " + DOMAIN + "\n"
        + "      project_domain_name: " + DOMAIN + "\n"
        + "    region_name: " + REGION + "\n"
        + "    interface: public\n"
        + "    identity_api_version: 3\n";
  }

  /** Tokens issued from now on expire after {@code lifetime} on the simulator's clock (default one hour). */
  public OpenStackSimulator tokenLifetime(Duration lifetime) {
    run(() -> cloud.tokenLifetime = Objects.requireNonNull(lifetime));
    return this;
  }

  public Faults faults() {
    return faults;
  }

  // ---------------------------------------------------------------- seeding and inspection

  /** Adds a user with {@code role} on {@code projectName}, creating the project if needed; returns the user id. */
  public String addUser(String name, String password, String projectName, String role) {
    return locked(() -> {
      Project p = cloud.projectNamed(projectName, Cloud.DOMAIN_ID);
      if (p == null) p = cloud.addProject(projectName, "");
      User u = cloud.addUser(name, password, p.id);
      Cloud.Role r = Objects.requireNonNull(cloud.roleNamed(role), "no role " + role);
      cloud.assignments.add(new Cloud.Assignment(p.id, u.id, r.id()));
      return u.id;
    });
  }

  /** The id of a project by name, or null. */
  public String projectId(String name) {
    return locked(() -> {
      Project p = cloud.projectNamed(name, Cloud.DOMAIN_ID);
      return p == null ? null : p.id;
    });
  }

  /** The id of the seeded image ({@value #IMAGE}). */
  public String imageId() {
    return locked(() -> cloud.images.values().stream().filter(i -> i.name().equals(IMAGE)).findFirst().orElseThrow().id());
  }

  /** The id of the seeded external network ({@value #PUBLIC_NETWORK}). */
  public String publicNetworkId() {
    return locked(() -> cloud.networks.values().stream().filter(n -> n.name.equals(PUBLIC_NETWORK)).findFirst().orElseThrow().id);
  }

  /** How many resources of {@code kind} exist, seeded ones included. */
  public int count(Kind kind) {
    return locked(() -> cloud.count(kind));
  }

  /** How many resources of {@code kind} belong to the project named {@code projectName}. */
  public int count(Kind kind, String projectName) {
    return locked(() -> {
      Project p = cloud.projectNamed(projectName, Cloud.DOMAIN_ID);
      return p == null ? 0 : cloud.count(kind, p.id);
    });
  }

  /** Every resource's name of {@code kind}, sorted, duplicates kept. */
  public List<String> names(Kind kind) {
    return locked(() -> cloud.names(kind));
  }

  /** Counts of every kind at once. */
  public Map<Kind, Integer> counts() {
    return locked(() -> {
      Map<Kind, Integer> m = new EnumMap<>(Kind.class);
      for (Kind k : Kind.values()) m.put(k, cloud.count(k));
      return m;
    });
  }

  public Optional<ServerView> server(String id) {
    return locked(() -> Optional.ofNullable(cloud.servers.get(id)).map(this::view));
  }

  public List<ServerView> servers() {
    return locked(() -> cloud.servers.values().stream().map(this::view).toList());
  }

  private ServerView view(Server s) {
    List<String> addresses = new ArrayList<>();
    for (String portId : s.portIds) {
      Port p = cloud.ports.get(portId);
      if (p != null) p.fixedIps.stream().map(FixedIp::ipAddress).forEach(addresses::add);
    }
    return new ServerView(s.id, s.name, s.projectId, s.status, s.host, s.imageId, s.flavorId, s.keyName, s.userData,
        Map.copyOf(s.metadata), s.groupId, List.copyOf(addresses));
  }

  // ---------------------------------------------------------------- counters

  /** Requests received for one call, named {@code "METHOD /prefix/template"}, e.g. {@code "POST /compute/v2.1/servers"}. */
  public long requests(String methodAndTemplate) {
    LongAdder n = requestCounts.get(methodAndTemplate);
    return n == null ? 0 : n.sum();
  }

  /** Every call received so far with its count, sorted by name. Unrouted requests appear under their raw path. */
  public Map<String, Long> requestCounts() {
    Map<String, Long> m = new TreeMap<>();
    requestCounts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Server actions received, by action ({@code reboot}, {@code rebuild}, {@code os-stop}, {@code os-start}). */
  public long serverActions(String action) {
    return locked(() -> nova.actionCount(action));
  }

  public void resetRequestCounts() {
    requestCounts.clear();
  }

  /** Every {@link Mutation} so far, in order. */
  public List<Mutation> mutations() {
    synchronized (mutations) {
      return List.copyOf(mutations);
    }
  }

  /**
   * Calls {@code listener} on the request's own thread right after each {@link Mutation} took
   * effect and before its reply is sent, outside the cloud's lock; its answer decides whether the
   * reply is sent. For stopping a client at an exact point of its work (a crash test).
   */
  public void onMutation(Function<Mutation, Delivery> listener) {
    mutationListener = Objects.requireNonNull(listener, "listener");
  }

  // ---------------------------------------------------------------- serving

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      Service service = Service.forPath(path);
      if (service == null) {
        write(exchange, method, Reply.text(404, "text/plain", "404 Not Found: the simulator serves " + List.of(Service.values())));
        return;
      }
      ServiceApi api = apis.get(service);
      String relative = path.length() == service.prefix().length() ? "/" : path.substring(service.prefix().length());
      Routes.Match match = api.routes().match(method, relative);
      String key = method + " " + (match == null ? path : service.prefix() + match.route().template());
      requestCounts.computeIfAbsent(key, k -> new LongAdder()).increment();

      Faults.Decision decision = faults.decide(service, method, key);
      if (!decision.delay().isZero()) Thread.sleep(decision.delay());
      if (decision.outage() == Faults.Outage.CONNECTION_RESET) return; // closing before any reply drops the connection
      if (decision.outage() == Faults.Outage.SERVICE_UNAVAILABLE) {
        write(exchange, method, Reply.text(503, "text/html", "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n"));
        return;
      }
      if (decision.status() != null && !decision.afterApplying()) {
        write(exchange, method, injected(api, decision));
        return;
      }
      Reply reply = match == null ? unrouted(api, method, relative) : invoke(service, api, match, method, exchange, body);
      if (match != null && isMutation(method, key)) {
        Mutation m;
        synchronized (mutations) {
          m = new Mutation(mutations.size() + 1L, key, path, bodyName(body), reply.status());
          mutations.add(m);
        }
        if (mutationListener.apply(m) == Delivery.DROP_REPLY) return; // closing before any reply drops the connection
      }
      if (decision.status() != null) reply = injected(api, decision);
      write(exchange, method, service == Service.COMPUTE ? reply.header("X-Compute-Request-Id", requestId()) : reply);
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isMutation(String method, String key) {
    return List.of("POST", "PUT", "PATCH", "DELETE").contains(method) && !key.equals("POST /identity/v3/auth/tokens");
  }

  private static String bodyName(byte[] body) {
    try {
      JsonNode root = body.length == 0 ? null : Json.MAPPER.readTree(body);
      if (root == null || !root.isObject()) return null;
      for (JsonNode resource : root) {
        JsonNode name = resource.get("name");
        if (name != null && name.isTextual()) return name.asText();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Reply injected(ServiceApi api, Faults.Decision d) {
    String message = d.status() == 429 ? "This request was rate-limited." : "Simulated failure injected by the test.";
    Reply r = api.error(new ApiError(d.status(), d.status() == 429 ? "overLimit" : "InjectedFault", message));
    if (d.retryAfter() != null) r = r.header("Retry-After", Long.toString(Math.max(1, (d.retryAfter().toMillis() + 999) / 1000)));
    return r;
  }

  private static Reply unrouted(ServiceApi api, String method, String relative) {
    if (api.routes().knowsPath(relative)) return api.error(new ApiError(405, "HTTPMethodNotAllowed", "The method " + method + " is not allowed for this resource."));
    return api.error(ApiError.notFound("NotFound", "The resource could not be found."));
  }

  private Reply invoke(Service service, ServiceApi api, Routes.Match match, String method, HttpExchange exchange, byte[] body) {
    cloud.lock.lock();
    try {
      Cloud.Token token = null;
      if (match.route().authenticated()) {
        token = cloud.validToken(exchange.getRequestHeaders().getFirst("X-Auth-Token"));
        if (token == null) return unauthorized();
        if (service != Service.IDENTITY && token.projectId == null) throw ApiError.forbidden("A project-scoped token is required.");
        if (service == Service.NETWORK) cloud.ensureDefaultSecurityGroup(token.projectId);
      }
      JsonNode json = null;
      if (body.length > 0) {
        try {
          json = Json.MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw ApiError.badRequest("Malformed request body: " + e.getOriginalMessage());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      Routes.Call call = new Routes.Call(method, match.params(), query(exchange.getRequestURI().getRawQuery()), json, token,
          exchange.getRequestHeaders());
      return match.route().handler().handle(call);
    } catch (ApiError e) {
      return e.status() == 401 ? unauthorized() : api.error(e);
    } catch (RuntimeException e) {
      // A bug in the simulator, not a simulated fault: say so loudly, then answer as a service would.
      LOG.error("simulator failure on {} {}", method, exchange.getRequestURI(), e);
      return api.error(new ApiError(500, "InternalError", "The simulator failed: " + e));
    } finally {
      cloud.lock.unlock();
    }
  }

  /** What keystonemiddleware answers every service's caller with a missing, bad or expired token. */
  private Reply unauthorized() {
    ObjectNode inner = Json.obj().put("code", 401).put("title", "Unauthorized").put("message", "The request you have made requires authentication.");
    return Reply.json(401, Json.obj().set("error", inner)).header("WWW-Authenticate", "Keystone uri=\"" + baseUrl() + Service.IDENTITY.prefix() + "\"");
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return q;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return q;
  }

  private static void write(HttpExchange exchange, String method, Reply reply) throws IOException {
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.getResponseHeaders().set("X-Openstack-Request-Id", requestId());
    boolean noBody = reply.body() == null || method.equals("HEAD") || reply.status() == 204;
    exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
    if (!noBody) exchange.getResponseBody().write(reply.body());
  }

  private static String requestId() {
    return "req-" + UUID.randomUUID();
  }

  // ---------------------------------------------------------------- the catalog and the seeded cloud

  private ArrayNode catalog() {
    ArrayNode catalog = Json.arr();
    for (Service s : Service.values()) {
      ArrayNode endpoints = Json.arr();
      for (String iface : List.of("public", "internal", "admin")) {
        endpoints.add(Json.obj().put("id", UUID.nameUUIDFromBytes((s + iface).getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""))
            .put("interface", iface).put("region_id", REGION).put("region", REGION).put("url", endpoint(s)));
      }
      ObjectNode entry = Json.obj();
      entry.set("endpoints", endpoints);
      entry.put("id", UUID.nameUUIDFromBytes(s.name().getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""))
          .put("type", s.catalogType()).put("name", s.catalogName());
      catalog.add(entry);
    }
    return catalog;
  }

  private void seed() {
    Cloud.Role admin = cloud.addRole(Cloud.ADMIN_ROLE);
    Cloud.Role member = cloud.addRole(Cloud.MEMBER_ROLE);
    cloud.addRole(Cloud.READER_ROLE);
    Project adminProject = cloud.addProject(ADMIN_PROJECT, "Bootstrap project for the admin user");
    Project demo = cloud.addProject(MEMBER_PROJECT, "A project with a member user");
    User adminUser = cloud.addUser(ADMIN_USER, ADMIN_PASSWORD, adminProject.id);
    User demoUser = cloud.addUser(MEMBER_USER, MEMBER_PASSWORD, demo.id);
    cloud.assignments.add(new Cloud.Assignment(adminProject.id, adminUser.id, admin.id()));
    cloud.assignments.add(new Cloud.Assignment(demo.id, demoUser.id, member.id()));

    for (Cloud.Flavor f : List.of(new Cloud.Flavor("42", "m1.nano", 128, 1, 1), new Cloud.Flavor("84", "m1.micro", 192, 1, 1),
        new Cloud.Flavor("1", "m1.tiny", 512, 1, 1), new Cloud.Flavor("2", "m1.small", 2048, 1, 20))) {
      cloud.flavors.put(f.id(), f);
    }
    Cloud.Image cirros = new Cloud.Image(Cloud.newId(), IMAGE, "qcow2", "bare", 21430272L, Instant.parse("2024-01-01T00:00:00Z"));
    cloud.images.put(cirros.id(), cirros);

    Network pub = new Network();
    pub.id = Cloud.newId();
    pub.name = PUBLIC_NETWORK;
    pub.projectId = adminProject.id;
    pub.shared = true;
    pub.external = true;
    pub.networkType = "flat";
    pub.mtu = 1500;
    pub.created = cloud.now();
    pub.updated = pub.created;
    cloud.networks.put(pub.id, pub);
    Subnet sub = new Subnet();
    sub.id = Cloud.newId();
    sub.name = "public-subnet";
    sub.projectId = adminProject.id;
    sub.networkId = pub.id;
    sub.cidr = Ipv4Cidr.parse("172.24.4.0/24");
    sub.gatewayIp = "172.24.4.1";
    sub.enableDhcp = false;
    sub.pools.add(new Pool("172.24.4.2", "172.24.4.254"));
    sub.created = cloud.now();
    sub.updated = sub.created;
    cloud.subnets.put(sub.id, sub);
  }

  private <T> T locked(Supplier<T> body) {
    cloud.lock.lock();
    try {
      return body.get();
    } finally {
      cloud.lock.unlock();
    }
  }

  private void run(Runnable body) {
    cloud.lock.lock();
    try {
      body.run();
    } finally {
      cloud.lock.unlock();
    }
  }
}

package dev.escalator.operator.metal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * One simulated BMC speaking DMTF Redfish (ServiceRoot, SessionService, Systems/1 with PowerState,
 * Boot, BootProgress and the Reset action, Managers/1 with a CD and a USB VirtualMedia, ETags,
 * optional task monitors), on 127.0.0.1, over HTTP or HTTPS. Its host is a small state machine
 * that the tests read: power, what it booted from, and whether its operating system is healthy.
 *
 * <p>Time inside the simulator is counted in reads of the system, not in wall time: a power change
 * shows as PoweringOn/PoweringOff for {@link #transitionReads} GETs and lands on the next; a boot
 * shows OSBootStarted until {@link #bootReads} more GETs. So a test
 * that polls until a state is reached never waits on a timer.
 *
 * <p>Fault injection: {@link #down()}/{@link #up()} (connection refused), {@link #failNext}
 * (5xx with a Redfish error body), {@link #holdResets()} (a Reset call that does not answer until
 * released), {@link #stuckPower} (power never changes), {@link #asyncResets} (202 + task monitor),
 * {@link #faultFixedBy} (what repair makes the host healthy again), and wrong credentials.
 */
final class RedfishTestService implements AutoCloseable {
  static final String SYSTEM = "/redfish/v1/Systems/1";
  static final String RESET = SYSTEM + "/Actions/ComputerSystem.Reset";
  static final String CD = "/redfish/v1/Managers/1/VirtualMedia/CD1";
  static final String SESSIONS = "/redfish/v1/SessionService/Sessions";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received: method, path, JSON body (or empty) and the auth and precondition headers. */
  record Request(String method, String path, String body, String ifMatch, boolean token, boolean basic) {
    @Override
    public String toString() {
      return method + " " + path + (body.isEmpty() ? "" : " " + body);
    }
  }

  /** The repair a host's fault needs: the host is unhealthy until one of these has happened to it. */
  enum Repair {
    NONE,
    POWER_CYCLE,
    REPROVISION,
    /** Broken hardware: nothing done to this host helps. */
    REPLACEMENT
  }

  private final String username;
  private final String password;
  private final SSLContext tls;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Map<String, String> sessions = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tasks = new ConcurrentHashMap<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile Predicate<Request> failWhich = r -> false;
  private volatile int failStatus = 500;
  private volatile CountDownLatch[] resetHold;
  private HttpServer server;
  private int port;
  private HttpServer hostService;

  // The simulated host. Guarded by this.
  private String power = "On";
  private String pendingPower;
  private int transitionLeft;
  private String bootProgress = "OSRunning";
  private int bootLeft;
  private String overrideEnabled = "Disabled";
  private String overrideTarget = "None";
  private String overrideMode = "UEFI";
  private int etag = 1;
  private String image;
  private boolean inserted;
  private Repair faultFixedBy = Repair.NONE;
  private boolean powerCycledSinceFault;

  volatile int transitionReads = 1;
  volatile int bootReads = 1;
  volatile boolean sessionsEnabled = true;
  volatile boolean requireIfMatch;
  volatile boolean asyncResets;
  volatile int taskReads = 1;
  volatile boolean stuckPower;
  volatile boolean reportBootProgress = true;
  volatile Set<String> allowedResetTypes = Set.of("On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "PowerCycle", "Nmi");

  RedfishTestService(String username, String password) throws IOException {
    this(username, password, null);
  }

  RedfishTestService(String username, String password, SSLContext tls) throws IOException {
    this.username = username;
    this.password = password;
    this.tls = tls;
    start(0);
  }

  /**
   * The simulated host's own address (for spec.address, and so node.address): its {@code /healthz}
   * answers 200 while the host is {@link #healthy()}, 503 otherwise, as the service on a real host
   * would. Started on first use.
   */
  synchronized String hostAddress() throws IOException {
    if (hostService == null) {
      hostService = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      hostService.setExecutor(executor);
      hostService.createContext("/healthz", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          boolean up = healthy();
          byte[] body = (up ? "ok" : "unhealthy").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(up ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
        }
      });
      hostService.start();
    }
    return "127.0.0.1:" + hostService.getAddress().getPort();
  }

  /** The address to put in a BareMetalHost's spec.bmc.address. */
  String address() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests that change something (everything but GETs and logins), in order. */
  List<String> changes() {
    return requests.stream()
        .filter(r -> !r.method().equals("GET") && !r.path().equals(SESSIONS) && !r.method().equals("DELETE"))
        .map(Request::toString)
        .toList();
  }

  /** What happened to the simulated host, in order: power changes, boots (with their source), media. */
  List<String> events() {
    return List.copyOf(events);
  }

  /** Forgets the requests and events so far: what a test checks starts here. */
  void forget() {
    requests.clear();
    events.clear();
  }

  synchronized String powerState() {
    return power;
  }

  /** Healthy: on, booted, and no fault left that still needs a repair. */
  synchronized boolean healthy() {
    return power.equals("On") && "OSRunning".equals(bootProgress) && faultFixedBy == Repair.NONE;
  }

  synchronized void faultFixedBy(Repair repair) {
    faultFixedBy = repair;
  }

  synchronized void powerOff() {
    power = "Off";
    bootProgress = "None";
  }

  /** The next {@code count} requests matching {@code which} answer {@code status} with a Redfish error. */
  void failNext(int count, int status, Predicate<Request> which) {
    failStatus = status;
    failWhich = which;
    failuresLeft.set(count);
  }

  /** Reset calls wait (after counting down the first latch) until the second latch is released. */
  CountDownLatch[] holdResets() {
    CountDownLatch[] hold = {new CountDownLatch(1), new CountDownLatch(1)};
    resetHold = hold;
    return hold;
  }

  /** The BMC stops answering: connections are refused. */
  synchronized void down() {
    server.stop(0);
  }

  /** The BMC answers again, on the same port; sessions did not survive its restart. */
  synchronized void up() throws IOException {
    sessions.clear();
    start(port);
  }

  @Override
  public void close() {
    CountDownLatch[] hold = resetHold;
    if (hold != null) hold[1].countDown();
    server.stop(0);
    synchronized (this) {
      if (hostService != null) hostService.stop(0);
    }
    executor.shutdownNow();
  }

  private void start(int onPort) throws IOException {
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort);
    if (tls == null) {
      server = HttpServer.create(at, 0);
    } else {
      HttpsServer https = HttpsServer.create(at, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    server.setExecutor(executor); // a held Reset must not block other requests
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath().replaceAll("(.)/+$", "$1");
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      String token = exchange.getRequestHeaders().getFirst("X-Auth-Token");
      Request request = new Request(method, path, body, exchange.getRequestHeaders().getFirst("If-Match"), token != null, auth != null);
      requests.add(request);
      if (failWhich.test(request) && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        reply(exchange, failStatus, error("Base.1.8.GeneralError", "injected failure"));
        return;
      }
      if (path.equals("/redfish/v1") && method.equals("GET")) {
        reply(exchange, 200, serviceRoot());
        return;
      }
      if (path.equals(SESSIONS) && method.equals("POST")) {
        login(exchange, body);
        return;
      }
      if (!authorized(token, auth)) {
        reply(exchange, 401, error("Base.1.8.InsufficientPrivilege", "authentication required"));
        return;
      }
      route(exchange, method, path, body, request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void route(HttpExchange exchange, String method, String path, String body, Request request) throws IOException, InterruptedException {
    if (path.startsWith(SESSIONS + "/") && method.equals("DELETE")) {
      sessions.remove(path.substring(SESSIONS.length() + 1));
      reply(exchange, 204, null);
    } else if (path.equals("/redfish/v1/Systems") && method.equals("GET")) {
      reply(exchange, 200, collection("/redfish/v1/Systems", SYSTEM));
    } else if (path.equals(SYSTEM) && method.equals("GET")) {
      ObjectNode system;
      synchronized (this) {
        advance();
        system = system();
        exchange.getResponseHeaders().set("ETag", etag());
      }
      reply(exchange, 200, system);
    } else if (path.equals(SYSTEM) && method.equals("PATCH")) {
      patchSystem(exchange, body, request.ifMatch());
    } else if (path.equals(RESET) && method.equals("POST")) {
      CountDownLatch[] hold = resetHold;
      if (hold != null) {
        hold[0].countDown();
        if (!hold[1].await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the test never released the held Reset");
      }
      reset(exchange, JSON.readTree(body).path("ResetType").asText());
    } else if (path.equals("/redfish/v1/Managers/1") && method.equals("GET")) {
      ObjectNode manager = resource("/redfish/v1/Managers/1", "#Manager.v1_10_0.Manager");
      manager.putObject("VirtualMedia").put("@odata.id", "/redfish/v1/Managers/1/VirtualMedia");
      reply(exchange, 200, manager);
    } else if (path.equals("/redfish/v1/Managers/1/VirtualMedia") && method.equals("GET")) {
      reply(exchange, 200, collection("/redfish/v1/Managers/1/VirtualMedia", "/redfish/v1/Managers/1/VirtualMedia/USB1", CD));
    } else if (path.equals("/redfish/v1/Managers/1/VirtualMedia/USB1") && method.equals("GET")) {
      ObjectNode usb = resource("/redfish/v1/Managers/1/VirtualMedia/USB1", "#VirtualMedia.v1_3_0.VirtualMedia");
      usb.putArray("MediaTypes").add("USBStick").add("Floppy");
      reply(exchange, 200, usb);
    } else if (path.equals(CD) && method.equals("GET")) {
      reply(exchange, 200, cd());
    } else if (path.equals(CD + "/Actions/VirtualMedia.InsertMedia") && method.equals("POST")) {
      insert(exchange, JSON.readTree(body));
    } else if (path.equals(CD + "/Actions/VirtualMedia.EjectMedia") && method.equals("POST")) {
      synchronized (this) {
        events.add("eject " + image);
        inserted = false;
        image = null;
      }
      reply(exchange, 204, null);
    } else if (path.startsWith("/redfish/v1/TaskService/TaskMonitors/") && method.equals("GET")) {
      taskMonitor(exchange, path.substring(path.lastIndexOf('/') + 1));
    } else {
      reply(exchange, 404, error("Base.1.8.ResourceMissingAtURI", "no resource at " + path));
    }
  }

  private void login(HttpExchange exchange, String body) throws IOException {
    JsonNode credentials = JSON.readTree(body.isEmpty() ? "{}" : body);
    if (!username.equals(credentials.path("UserName").asText()) || !password.equals(credentials.path("Password").asText())) {
      reply(exchange, 401, error("Base.1.8.NoValidSession", "invalid username or password"));
      return;
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    String token = UUID.randomUUID().toString();
    sessions.put(id, token);
    exchange.getResponseHeaders().set("X-Auth-Token", token);
    exchange.getResponseHeaders().set("Location", SESSIONS + "/" + id);
    reply(exchange, 201, resource(SESSIONS + "/" + id, "#Session.v1_3_0.Session").put("UserName", username));
  }

  private boolean authorized(String token, String basic) {
    if (token != null) return sessions.containsValue(token);
    if (basic == null || !basic.startsWith("Basic ")) return false;
    String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
    return decoded.equals(username + ":" + password);
  }

  private ObjectNode serviceRoot() {
    ObjectNode root = resource("/redfish/v1", "#ServiceRoot.v1_11_0.ServiceRoot").put("RedfishVersion", "1.15.0");
    root.putObject("Systems").put("@odata.id", "/redfish/v1/Systems");
    root.putObject("Managers").put("@odata.id", "/redfish/v1/Managers");
    root.putObject("TaskService").put("@odata.id", "/redfish/v1/TaskService");
    if (sessionsEnabled) {
      root.putObject("SessionService").put("@odata.id", "/redfish/v1/SessionService");
      root.putObject("Links").putObject("Sessions").put("@odata.id", SESSIONS);
    }
    return root;
  }

  /** Moves the simulated host one read further: a pending power change lands, a boot progresses. */
  private void advance() {
    if (pendingPower != null) {
      if (transitionLeft-- > 0) return; // this read still sees PoweringOn/PoweringOff
      power = pendingPower;
      pendingPower = null;
      events.add("power " + power);
      if (power.equals("On")) boot();
      else bootProgress = "None";
      return;
    }
    if (bootLeft > 0 && --bootLeft == 0) bootProgress = "OSRunning";
  }

  /** The host starts booting: from the one-time override if set (which it consumes), else from disk. */
  private void boot() {
    String from = overrideEnabled.equals("Disabled") ? "Hdd" : overrideTarget;
    if (overrideEnabled.equals("Once")) {
      overrideEnabled = "Disabled";
      overrideTarget = "None";
      etag++;
    }
    String source = from.equals("Cd") ? "Cd " + (inserted ? image : "(empty)") : from;
    events.add("boot " + source);
    if (from.equals("Pxe") || (from.equals("Cd") && inserted)) {
      if (faultFixedBy == Repair.REPROVISION || faultFixedBy == Repair.POWER_CYCLE) faultFixedBy = Repair.NONE;
    } else if (faultFixedBy == Repair.POWER_CYCLE && powerCycledSinceFault) {
      faultFixedBy = Repair.NONE;
    }
    bootProgress = bootReads > 0 ? "OSBootStarted" : "OSRunning";
    bootLeft = bootReads;
  }

  private ObjectNode system() {
    ObjectNode system = resource(SYSTEM, "#ComputerSystem.v1_20_0.ComputerSystem")
        .put("Id", "1")
        .put("Name", "simulated host")
        .put("PowerState", pendingPower == null ? power : pendingPower.equals("On") ? "PoweringOn" : "PoweringOff")
        .put("@odata.etag", etag());
    ObjectNode boot = system.putObject("Boot")
        .put("BootSourceOverrideEnabled", overrideEnabled)
        .put("BootSourceOverrideTarget", overrideTarget)
        .put("BootSourceOverrideMode", overrideMode);
    boot.putArray("BootSourceOverrideTarget@Redfish.AllowableValues").add("None").add("Pxe").add("Cd").add("Hdd").add("BiosSetup");
    if (reportBootProgress) system.putObject("BootProgress").put("LastState", bootProgress);
    ObjectNode reset = system.putObject("Actions").putObject("#ComputerSystem.Reset").put("target", RESET);
    ArrayNode allowed = reset.putArray("ResetType@Redfish.AllowableValues");
    allowedResetTypes.stream().sorted().forEach(allowed::add);
    system.putObject("Links").putArray("ManagedBy").addObject().put("@odata.id", "/redfish/v1/Managers/1");
    return system;
  }

  private String etag() {
    return "W/\"" + etag + "\"";
  }

  private void patchSystem(HttpExchange exchange, String body, String ifMatch) throws IOException {
    ObjectNode answer = null;
    int status;
    synchronized (this) {
      if (ifMatch == null && requireIfMatch) {
        status = 428;
      } else if (ifMatch != null && !ifMatch.equals(etag())) {
        status = 412;
      } else {
        JsonNode boot = JSON.readTree(body).path("Boot");
        if (boot.has("BootSourceOverrideEnabled")) overrideEnabled = boot.path("BootSourceOverrideEnabled").asText();
        if (boot.has("BootSourceOverrideTarget")) overrideTarget = boot.path("BootSourceOverrideTarget").asText();
        if (boot.has("BootSourceOverrideMode")) overrideMode = boot.path("BootSourceOverrideMode").asText();
        etag++;
        events.add("boot override " + overrideEnabled + " " + overrideTarget);
        status = 204;
      }
      if (status != 204) answer = error(status == 412 ? "Base.1.8.PreconditionFailed" : "Base.1.8.PreconditionRequired", "If-Match");
    }
    reply(exchange, status, answer);
  }

  private void reset(HttpExchange exchange, String type) throws IOException {
    if (!allowedResetTypes.contains(type)) {
      reply(exchange, 400, error("Base.1.8.ActionParameterValueNotInList", "ResetType " + type + " is not allowed"));
      return;
    }
    synchronized (this) {
      events.add("reset " + type);
      if (!stuckPower) {
        switch (type) {
          case "On" -> {
            if (!power.equals("On")) changePower("On");
          }
          case "ForceOff", "GracefulShutdown" -> {
            if (!power.equals("Off")) changePower("Off");
          }
          case "ForceRestart", "GracefulRestart", "PowerCycle" -> {
            if (type.equals("PowerCycle")) powerCycledSinceFault = true;
            if (power.equals("On")) boot();
            else changePower("On");
          }
          default -> { }
        }
      }
    }
    if (asyncResets) {
      String id = UUID.randomUUID().toString().substring(0, 8);
      tasks.put(id, new AtomicInteger(taskReads));
      exchange.getResponseHeaders().set("Location", "/redfish/v1/TaskService/TaskMonitors/" + id);
      reply(exchange, 202, task(id, "Running"));
      return;
    }
    reply(exchange, 204, null);
  }

  private void changePower(String to) {
    if (to.equals("Off")) powerCycledSinceFault = faultFixedBy == Repair.POWER_CYCLE;
    pendingPower = to;
    transitionLeft = transitionReads;
    if (transitionLeft == 0) advance();
  }

  private void taskMonitor(HttpExchange exchange, String id) throws IOException {
    AtomicInteger left = tasks.get(id);
    if (left == null) {
      reply(exchange, 404, error("Base.1.8.ResourceMissingAtURI", "no task " + id));
    } else if (left.decrementAndGet() >= 0) {
      reply(exchange, 202, task(id, "Running"));
    } else {
      tasks.remove(id);
      reply(exchange, 200, task(id, "Completed"));
    }
  }

  private static ObjectNode task(String id, String state) {
    ObjectNode task = resource("/redfish/v1/TaskService/Tasks/" + id, "#Task.v1_6_0.Task")
        .put("Id", id)
        .put("TaskState", state)
        .put("TaskStatus", "OK")
        .put("PercentComplete", state.equals("Completed") ? 100 : 50);
    task.putArray("Messages").addObject().put("MessageId", "Base.1.8.Success").put("Message", "Reset " + state.toLowerCase());
    return task;
  }

  private synchronized ObjectNode cd() {
    ObjectNode cd = resource(CD, "#VirtualMedia.v1_3_0.VirtualMedia").put("Id", "CD1").put("Inserted", inserted).put("WriteProtected", true);
    if (image != null) cd.put("Image", image);
    else cd.putNull("Image");
    cd.putArray("MediaTypes").add("CD").add("DVD");
    ObjectNode actions = cd.putObject("Actions");
    actions.putObject("#VirtualMedia.InsertMedia").put("target", CD + "/Actions/VirtualMedia.InsertMedia");
    actions.putObject("#VirtualMedia.EjectMedia").put("target", CD + "/Actions/VirtualMedia.EjectMedia");
    return cd;
  }

  private void insert(HttpExchange exchange, JsonNode body) throws IOException {
    synchronized (this) {
      if (inserted) {
        reply(exchange, 400, error("Base.1.8.ActionNotSupported", "media already inserted; eject it first"));
        return;
      }
      image = body.path("Image").asText();
      inserted = true;
      events.add("insert " + image);
    }
    reply(exchange, 204, null);
  }

  private static ObjectNode collection(String id, String... members) {
    ObjectNode c = resource(id, "#Collection").put("Members@odata.count", members.length);
    ArrayNode list = c.putArray("Members");
    for (String m : members) list.addObject().put("@odata.id", m);
    return c;
  }

  private static ObjectNode resource(String id, String type) {
    return JSON.createObjectNode().put("@odata.id", id).put("@odata.type", type);
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error").put("code", code).put("message", message);
    error.putArray("@Message.ExtendedInfo").addObject().put("MessageId", code).put("Message", message);
    return body;
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("OData-Version", "4.0");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}

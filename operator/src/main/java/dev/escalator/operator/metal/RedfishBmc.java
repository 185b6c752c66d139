package dev.escalator.operator.metal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.escalator.operator.metal.BmcException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DMTF Redfish service: ComputerSystem.Reset for power, a PATCH of Boot for the one-time
 * override (with If-Match when the BMC gives an ETag), VirtualMedia.InsertMedia/EjectMedia on the
 * system's or its manager's CD. Logs in through the SessionService when the service root links
 * one (X-Auth-Token, renewed once on a 401), with HTTP Basic otherwise. A 202 with a Location is a
 * task monitor, handed back in the {@link BmcReply}.
 *
 * <p>The system is the one in the address's path ({@code https://bmc/redfish/v1/Systems/1}) or the
 * only member of the Systems collection. Calls on one instance are serialised: they share the
 * session.
 */
public final class RedfishBmc implements Bmc {
  private static final Logger LOG = LoggerFactory.getLogger(RedfishBmc.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/redfish/v1/";
  private static final int MAX_DETAIL = 300;
  private static final int HTTP_PRECONDITION_FAILED = 412;
  private static final int HTTP_PRECONDITION_REQUIRED = 428;

  private final HttpClient http;
  private final URI base;
  private final BmcCredentials credentials;
  private final Duration timeout;
  private final ReentrantLock lock = new ReentrantLock();

  private String systemPath;
  private boolean discovered;
  private String sessionsPath;
  private String token;
  private String sessionPath;
  private String virtualMediaPath;

  /**
   * @param address {@code https://host[:port]}, optionally with the system's path; a bare host
   *     means https
   */
  public RedfishBmc(HttpClient http, String address, BmcCredentials credentials, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    URI uri = parse(address);
    this.base = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    this.systemPath = path.startsWith("/redfish/v1/Systems/") ? path : null;
  }

  static URI parse(String address) {
    String text = Objects.requireNonNull(address, "address").strip();
    if (!text.contains("://")) text = "https://" + text;
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Redfish address '" + address + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("Redfish address '" + address + "' must be http(s)://host[:port][/redfish/v1/Systems/<id>], without credentials");
    }
    return uri;
  }

  @Override
  public String describe() {
    return "Redfish BMC " + base;
  }

  @Override
  public HostPower power() throws BmcException {
    return locked(() -> {
      JsonNode system = get(system(), "read the system's power state").body();
      String text = system.path("PowerState").asText(null);
      PowerState state = PowerState.fromRedfish(text);
      if (state == null) throw error(Kind.BAD_RESPONSE, "GET " + systemPath, "reports PowerState '" + text + "', not On, Off, PoweringOn or PoweringOff");
      String progress = system.path("BootProgress").path("LastState").asText(null);
      return new HostPower(state, progress);
    });
  }

  @Override
  public BmcReply power(PowerAction action) throws BmcException {
    return locked(() -> {
      JsonNode system = get(system(), "find the Reset action").body();
      JsonNode reset = system.path("Actions").path("#ComputerSystem.Reset");
      String target = reset.path("target").asText(null);
      if (target == null) throw error(Kind.UNSUPPORTED, "GET " + systemPath, "has no #ComputerSystem.Reset action");
      List<String> allowed = strings(reset.path("ResetType@Redfish.AllowableValues"));
      if (!allowed.isEmpty() && !allowed.contains(action.redfishResetType)) {
        throw error(Kind.UNSUPPORTED, "POST " + target, "ResetType " + action.redfishResetType + " is not allowed here (allowed: " + allowed + ")");
      }
      ObjectNode body = JSON.createObjectNode().put("ResetType", action.redfishResetType);
      String call = "POST " + target + " {ResetType: " + action.redfishResetType + "}";
      return accepted(call, send("POST", target, body, null, call));
    });
  }

  @Override
  public BmcReply bootOnce(BootDevice device, boolean uefi) throws BmcException {
    return locked(() -> {
      String mode = uefi ? "UEFI" : "Legacy";
      String call = "PATCH " + system() + " {Boot: {BootSourceOverrideEnabled: Once, BootSourceOverrideTarget: " + device.redfishTarget + "}}";
      for (int tries = 1; ; tries++) {
        Response current = get(system(), "read the system's boot settings");
        JsonNode boot = current.body().path("Boot");
        List<String> allowed = strings(boot.path("BootSourceOverrideTarget@Redfish.AllowableValues"));
        if (!allowed.isEmpty() && !allowed.contains(device.redfishTarget)) {
          throw error(Kind.UNSUPPORTED, call, "BootSourceOverrideTarget " + device.redfishTarget + " is not allowed here (allowed: " + allowed + ")");
        }
        if ("Once".equals(boot.path("BootSourceOverrideEnabled").asText()) && device.redfishTarget.equals(boot.path("BootSourceOverrideTarget").asText())
            && (!boot.has("BootSourceOverrideMode") || mode.equals(boot.path("BootSourceOverrideMode").asText()))) {
          return BmcReply.done(call + " (already set)");
        }
        ObjectNode settings = JSON.createObjectNode()
            .put("BootSourceOverrideEnabled", "Once")
            .put("BootSourceOverrideTarget", device.redfishTarget);
        // Only BMCs that report a boot mode take one; others refuse the unknown property.
        if (boot.has("BootSourceOverrideMode")) settings.put("BootSourceOverrideMode", mode);
        ObjectNode body = JSON.createObjectNode();
        body.set("Boot", settings);
        try {
          return accepted(call, send("PATCH", system(), body, current.etag(), call));
        } catch (PreconditionFailed e) {
          // Someone changed the system between our GET and PATCH: read it again, once.
          if (tries >= 2) throw error(Kind.BMC_ERROR, call, "answered 412 Precondition Failed twice: the system keeps changing under us");
        }
      }
    });
  }

  @Override
  public BmcReply insertMedia(String imageUrl) throws BmcException {
    Objects.requireNonNull(imageUrl, "imageUrl");
    return locked(() -> {
      String path = virtualMedia();
      JsonNode media = get(path, "read the virtual CD").body();
      boolean inserted = media.path("Inserted").asBoolean(false);
      if (inserted && imageUrl.equals(media.path("Image").asText())) return BmcReply.done("InsertMedia " + imageUrl + " (already inserted)");
      if (inserted) {
        String eject = actionTarget(media, "#VirtualMedia.EjectMedia", path);
        String call = "POST " + eject + " (eject " + media.path("Image").asText() + " first)";
        BmcReply ejected = accepted(call, send("POST", eject, JSON.createObjectNode(), null, call));
        if (ejected.taskMonitor() != null) return ejected; // the caller waits for it, then inserts again
      }
      String insert = actionTarget(media, "#VirtualMedia.InsertMedia", path);
      ObjectNode body = JSON.createObjectNode().put("Image", imageUrl).put("Inserted", true).put("WriteProtected", true);
      String call = "POST " + insert + " {Image: " + imageUrl + "}";
      return accepted(call, send("POST", insert, body, null, call));
    });
  }

  @Override
  public BmcReply ejectMedia() throws BmcException {
    return locked(() -> {
      String path = virtualMedia();
      JsonNode media = get(path, "read the virtual CD").body();
      if (!media.path("Inserted").asBoolean(false)) return BmcReply.done("EjectMedia (nothing inserted)");
      String eject = actionTarget(media, "#VirtualMedia.EjectMedia", path);
      String call = "POST " + eject;
      return accepted(call, send("POST", eject, JSON.createObjectNode(), null, call));
    });
  }

  @Override
  public BmcTask task(String monitor) throws BmcException {
    return locked(() -> {
      String call = "GET " + monitor + " (task monitor)";
      discover();
      Response r = sendAnyStatus("GET", monitor, null, null, call);
      // A monitor is deleted once its result was read or it expired: the task is over.
      if (r.status() == 404) return BmcTask.succeeded("task monitor " + monitor + " is gone: the task finished");
      if (r.status() < 200 || r.status() >= 300) throw failure(call, r);
      JsonNode body = r.body();
      String state = body.path("TaskState").asText(null);
      String percent = body.has("PercentComplete") ? " " + body.path("PercentComplete").asInt() + "%" : "";
      if (r.status() == 202) return BmcTask.running("task " + (state == null ? "Running" : state) + percent);
      if (state == null) return BmcTask.succeeded("task done (" + r.status() + ")");
      String messages = taskMessages(body);
      return switch (state) {
        case "Completed" -> "Critical".equals(body.path("TaskStatus").asText())
            ? BmcTask.failed("task completed with status Critical" + messages)
            : BmcTask.succeeded("task Completed" + messages);
        case "Exception", "Killed", "Cancelled", "Interrupted" -> BmcTask.failed("task " + state + messages);
        default -> BmcTask.running("task " + state + percent);
      };
    });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (token != null && sessionPath != null) {
        try {
          send("DELETE", sessionPath, null, null, "DELETE " + sessionPath + " (log out)");
        } catch (BmcException | RuntimeException e) {
          LOG.debug("{}: logging out failed: {}", describe(), e.getMessage());
        }
      }
      token = null;
      sessionPath = null;
    } finally {
      lock.unlock();
    }
  }

  // --- discovery ---

  private void discover() throws BmcException {
    if (discovered) return;
    JsonNode root = send("GET", ROOT, null, null, "GET " + ROOT + " (service root)", false).body();
    String sessions = root.path("Links").path("Sessions").path("@odata.id").asText(null);
    if (sessions == null && root.has("SessionService")) sessions = "/redfish/v1/SessionService/Sessions";
    sessionsPath = sessions;
    if (systemPath == null) {
      String systems = root.path("Systems").path("@odata.id").asText(null);
      if (systems == null) throw error(Kind.UNSUPPORTED, "GET " + ROOT, "links no Systems collection");
      discovered = true; // the root is known; Systems needs the login it now allows
      JsonNode members = get(systems, "list the systems").body().path("Members");
      List<String> ids = new ArrayList<>();
      members.forEach(m -> ids.add(m.path("@odata.id").asText()));
      if (ids.size() != 1) {
        throw error(Kind.REFUSED, "GET " + systems, "lists " + ids.size() + " systems " + ids + ": give the system's path in bmc.address");
      }
      systemPath = ids.getFirst();
    }
    discovered = true;
  }

  private String system() throws BmcException {
    discover();
    return systemPath;
  }

  /** The system's own VirtualMedia (Redfish 2021+), else its first manager's; the first CD/DVD device. */
  private String virtualMedia() throws BmcException {
    if (virtualMediaPath != null) return virtualMediaPath;
    JsonNode system = get(system(), "find the virtual media").body();
    String collection = system.path("VirtualMedia").path("@odata.id").asText(null);
    if (collection == null) {
      String manager = system.path("Links").path("ManagedBy").path(0).path("@odata.id").asText(null);
      if (manager == null) throw error(Kind.UNSUPPORTED, "GET " + systemPath, "links no VirtualMedia and no manager");
      collection = get(manager, "find the manager's virtual media").body().path("VirtualMedia").path("@odata.id").asText(null);
      if (collection == null) throw error(Kind.UNSUPPORTED, "GET " + manager, "has no VirtualMedia: this BMC cannot insert an image");
    }
    for (JsonNode member : get(collection, "list the virtual media").body().path("Members")) {
      String path = member.path("@odata.id").asText();
      List<String> types = strings(get(path, "read a virtual media device").body().path("MediaTypes"));
      if (types.contains("CD") || types.contains("DVD")) {
        virtualMediaPath = path;
        return path;
      }
    }
    throw error(Kind.UNSUPPORTED, "GET " + collection, "has no CD or DVD virtual media device");
  }

  private String actionTarget(JsonNode media, String action, String path) throws BmcException {
    String target = media.path("Actions").path(action).path("target").asText(null);
    if (target == null) throw error(Kind.UNSUPPORTED, "GET " + path, "has no " + action + " action");
    return target;
  }

  // --- HTTP ---

  private Response get(String path, String why) throws BmcException {
    String call = "GET " + path + " (" + why + ")";
    return send("GET", path, null, null, call);
  }

  private Response send(String method, String path, JsonNode body, String ifMatch, String call) throws BmcException {
    discover();
    return send(method, path, body, ifMatch, call, true);
  }

  private Response send(String method, String path, JsonNode body, String ifMatch, String call, boolean authenticate) throws BmcException {
    Response r = authenticate ? sendAnyStatus(method, path, body, ifMatch, call) : exchange(method, path, body, ifMatch, call, false);
    if (r.status() >= 200 && r.status() < 300) return r;
    if (r.status() == HTTP_PRECONDITION_FAILED && ifMatch != null) throw new PreconditionFailed(call);
    throw failure(call, r);
  }

  /** An authenticated exchange, whatever its status; a session the BMC forgot is renewed once. */
  private Response sendAnyStatus(String method, String path, JsonNode body, String ifMatch, String call) throws BmcException {
    if (sessionsPath != null && token == null) login();
    Response r = exchange(method, path, body, ifMatch, call, true);
    if (r.status() == 401 && token != null) {
      // The session expired or the BMC restarted: log in again, once.
      token = null;
      login();
      r = exchange(method, path, body, ifMatch, call, true);
    }
    return r;
  }

  private void login() throws BmcException {
    String call = "POST " + sessionsPath + " (log in as " + credentials.username() + ")";
    ObjectNode body = JSON.createObjectNode().put("UserName", credentials.username()).put("Password", credentials.password());
    Response r = exchange("POST", sessionsPath, body, null, call, false);
    if (r.status() == 401 || r.status() == 403) {
      throw error(Kind.UNAUTHORIZED, call, "answered " + r.status() + ": wrong username or password");
    }
    if (r.status() < 200 || r.status() >= 300) throw failure(call, r);
    String t = r.header("X-Auth-Token");
    if (t == null || t.isBlank()) throw error(Kind.BAD_RESPONSE, call, "answered " + r.status() + " without an X-Auth-Token");
    token = t;
    sessionPath = r.header("Location");
  }

  private Response exchange(String method, String path, JsonNode body, String ifMatch, String call, boolean authenticate) throws BmcException {
    URI uri = resolve(path, call);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Accept", "application/json")
        .header("OData-Version", "4.0");
    if (body != null) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    if (ifMatch != null) request.header("If-Match", ifMatch);
    if (authenticate) {
      if (token != null) request.header("X-Auth-Token", token);
      else if (sessionsPath == null) {
        String basic = credentials.username() + ":" + credentials.password();
        request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
      }
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw error(Kind.TIMEOUT, call, "no answer within " + timeout.toMillis() + "ms", e);
    } catch (IOException e) {
      throw error(Kind.UNREACHABLE, call, "cannot connect: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error(Kind.TIMEOUT, call, "interrupted", e);
    }
    JsonNode json = JSON.createObjectNode();
    String text = response.body();
    if (text != null && !text.isBlank()) {
      try {
        json = JSON.readTree(text);
      } catch (IOException e) {
        if (response.statusCode() < 300) throw error(Kind.BAD_RESPONSE, call, "answered " + response.statusCode() + " with a body that is not JSON");
      }
    }
    String etag = response.headers().firstValue("ETag").orElse(json.path("@odata.etag").asText(null));
    return new Response(response.statusCode(), response, json, etag);
  }

  /** Paths from the BMC (targets, Locations) are followed only on the BMC itself: the session token goes nowhere else. */
  private URI resolve(String path, String call) throws BmcException {
    URI uri;
    try {
      uri = base.resolve(path);
    } catch (IllegalArgumentException e) {
      throw error(Kind.BAD_RESPONSE, call, "refers to '" + path + "', which is not a URL path");
    }
    if (!Objects.equals(uri.getRawAuthority(), base.getRawAuthority()) || !Objects.equals(uri.getScheme(), base.getScheme())) {
      throw error(Kind.BAD_RESPONSE, call, "refers to " + uri.getScheme() + "://" + uri.getRawAuthority() + ", which is not this BMC");
    }
    return uri;
  }

  private BmcException failure(String call, Response r) {
    Kind kind = r.status() == 401 || r.status() == 403 ? Kind.UNAUTHORIZED : r.status() >= 500 ? Kind.BMC_ERROR : Kind.REFUSED;
    String hint = r.status() == HTTP_PRECONDITION_REQUIRED ? " (the BMC requires If-Match but gave no ETag)" : "";
    return error(kind, call, "answered " + r.status() + errorDetail(r.body()) + hint);
  }

  /** Redfish's error object: code, message and the extended info's messages. */
  private static String errorDetail(JsonNode body) {
    JsonNode error = body.path("error");
    if (error.isMissingNode()) return "";
    List<String> parts = new ArrayList<>();
    if (error.has("code")) parts.add(error.path("code").asText());
    if (error.has("message")) parts.add(error.path("message").asText());
    for (JsonNode info : error.path("@Message.ExtendedInfo")) {
      if (info.has("Message")) parts.add(info.path("Message").asText());
    }
    return parts.isEmpty() ? "" : ": " + String.join(": ", parts);
  }

  private static String taskMessages(JsonNode task) {
    List<String> messages = new ArrayList<>();
    for (JsonNode m : task.path("Messages")) {
      if (m.has("Message")) messages.add(m.path("Message").asText());
    }
    return messages.isEmpty() ? "" : ": " + String.join("; ", messages);
  }

  private BmcReply accepted(String call, Response r) {
    if (r.status() == 202) {
      String monitor = r.header("Location");
      if (monitor != null) return new BmcReply(call, monitor);
    }
    return BmcReply.done(call);
  }

  private BmcException error(Kind kind, String call, String detail) {
    return error(kind, call, detail, null);
  }

  private BmcException error(Kind kind, String call, String detail, Throwable cause) {
    String d = credentials.mask(detail);
    if (d.length() > MAX_DETAIL) d = d.substring(0, MAX_DETAIL - 3) + "...";
    return new BmcException(kind, describe() + ": " + credentials.mask(call) + ": " + d, cause);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private <T> T locked(Call<T> call) throws BmcException {
    lock.lock();
    try {
      return call.run();
    } finally {
      lock.unlock();
    }
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws BmcException;
  }

  private record Response(int status, HttpResponse<String> raw, JsonNode body, String etag) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** A PATCH with If-Match lost a race; the caller reads the resource again. */
  private static final class PreconditionFailed extends BmcException {
    PreconditionFailed(String call) {
      super(Kind.BMC_ERROR, call + ": answered 412 Precondition Failed");
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}

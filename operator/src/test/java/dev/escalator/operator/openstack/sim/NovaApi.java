package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.escalator.operator.openstack.sim.Cloud.FixedIp;
import dev.escalator.operator.openstack.sim.Cloud.Flavor;
import dev.escalator.operator.openstack.sim.Cloud.Image;
import dev.escalator.operator.openstack.sim.Cloud.IpRequest;
import dev.escalator.operator.openstack.sim.Cloud.Keypair;
import dev.escalator.operator.openstack.sim.Cloud.Network;
import dev.escalator.operator.openstack.sim.Cloud.Port;
import dev.escalator.operator.openstack.sim.Cloud.SecurityGroup;
import dev.escalator.operator.openstack.sim.Cloud.Server;
import dev.escalator.operator.openstack.sim.Cloud.ServerGroup;
import dev.escalator.operator.openstack.sim.Cloud.Token;
import dev.escalator.operator.openstack.sim.Routes.Call;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Nova at microversion 2.1, which is what openstack4j 3.12 speaks (it sends no
 * {@code OpenStack-API-Version} header): flavors, servers (create, list with Nova's filters, get,
 * delete, reboot, rebuild, stop, start), server groups, keypairs, quota sets and limits.
 *
 * <p>As in 2.1: a server's {@code flavor} is {@code {"id", "links"}} (openstack4j fetches the
 * flavor when asked for its name); the create answer is 202 with only id, links, adminPass and
 * security groups (no status); addresses are keyed by network name; the {@code name} filter is an
 * unanchored, case-insensitive regular expression ({@code web-1} also finds {@code web-10}).
 */
final class NovaApi implements ServiceApi {
  private static final Pattern KEYPAIR_NAME = Pattern.compile("[a-zA-Z0-9 _.@-]{1,255}");
  private static final Set<String> GROUP_POLICIES = Set.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity");

  private final Cloud cloud;
  private final Supplier<String> baseUrl;
  private final Routes routes = new Routes();
  private final Map<String, Long> actionCounts = new HashMap<>();

  NovaApi(Cloud cloud, Supplier<String> baseUrl) {
    this.cloud = cloud;
    this.baseUrl = baseUrl;
    routes.open("GET", "/", c -> Reply.json(300, Json.obj().set("versions", Json.arr().add(version()))))
        .open("GET", "/v2.1", c -> Reply.json(200, Json.obj().set("version", version())))
        .add("GET", "/v2.1/flavors", c -> flavors(false))
        .add("GET", "/v2.1/flavors/detail", c -> flavors(true))
        .add("GET", "/v2.1/flavors/{id}", this::getFlavor)
        .add("GET", "/v2.1/images", c -> images(false))
        .add("GET", "/v2.1/images/detail", c -> images(true))
        .add("GET", "/v2.1/images/{id}", this::getImage)
        .add("POST", "/v2.1/servers", this::createServer)
        .add("GET", "/v2.1/servers", c -> listServers(c, false))
        .add("GET", "/v2.1/servers/detail", c -> listServers(c, true))
        .add("GET", "/v2.1/servers/{id}", this::getServer)
        .add("DELETE", "/v2.1/servers/{id}", this::deleteServer)
        .add("POST", "/v2.1/servers/{id}/action", this::serverAction)
        .add("GET", "/v2.1/servers/{id}/metadata", c -> Reply.json(200, Json.obj().set("metadata", Json.map(server(c).metadata))))
        .add("POST", "/v2.1/servers/{id}/metadata", c -> updateMetadata(c, false))
        .add("PUT", "/v2.1/servers/{id}/metadata", c -> updateMetadata(c, true))
        .add("GET", "/v2.1/os-server-groups", this::listGroups)
        .add("POST", "/v2.1/os-server-groups", this::createGroup)
        .add("GET", "/v2.1/os-server-groups/{id}", c -> Reply.json(200, Json.obj().set("server_group", group(ownGroup(c)))))
        .add("DELETE", "/v2.1/os-server-groups/{id}", this::deleteGroup)
        .add("GET", "/v2.1/os-keypairs", this::listKeypairs)
        .add("POST", "/v2.1/os-keypairs", this::createKeypair)
        .add("GET", "/v2.1/os-keypairs/{name}", this::getKeypair)
        .add("DELETE", "/v2.1/os-keypairs/{name}", this::deleteKeypair)
        .add("GET", "/v2.1/os-quota-sets/{project}", this::getQuota)
        .add("GET", "/v2.1/os-quota-sets/{project}/defaults", c -> Reply.json(200, Json.obj().set("quota_set", quotaSet(c.param("project"), Cloud.NOVA_DEFAULT_QUOTAS))))
        .add("PUT", "/v2.1/os-quota-sets/{project}", this::updateQuota)
        .add("GET", "/v2.1/limits", this::limits);
  }

  @Override
  public Routes routes() {
    return routes;
  }

  /** Nova's fault body: one key named after the fault ({@code itemNotFound}) holding code and message. */
  @Override
  public Reply error(ApiError e) {
    String key = switch (e.status()) {
      case 400 -> "badRequest";
      case 403 -> "forbidden";
      case 404 -> "itemNotFound";
      case 405 -> "HTTPMethodNotAllowed";
      case 409 -> "conflictingRequest";
      case 413, 429 -> "overLimit";
      case 501 -> "notImplemented";
      case 503 -> "serviceUnavailable";
      default -> "computeFault";
    };
    return Reply.json(e.status(), Json.obj().set(key, Json.obj().put("code", e.status()).put("message", e.getMessage())));
  }

  /** Server actions taken, by action name ({@code reboot}, {@code rebuild}...). */
  long actionCount(String action) {
    return actionCounts.getOrDefault(action, 0L);
  }

  private ObjectNode version() {
    ObjectNode v = Json.obj().put("id", "v2.1").put("status", "CURRENT").put("version", "2.95").put("min_version", "2.1")
        .put("updated", "2013-07-23T11:33:21Z");
    v.set("links", Json.arr().add(Json.obj().put("rel", "self").put("href", url("/v2.1/"))));
    return v;
  }

  private String url(String path) {
    return baseUrl.get() + Service.COMPUTE.prefix() + path;
  }

  private ArrayNode links(String collection, String id) {
    return Json.arr()
        .add(Json.obj().put("rel", "self").put("href", url("/v2.1/" + collection + "/" + id)))
        .add(Json.obj().put("rel", "bookmark").put("href", url("/" + collection + "/" + id)));
  }

  // ---------------------------------------------------------------- flavors and images

  private Reply flavors(boolean detail) {
    ArrayNode list = Json.arr();
    cloud.flavors.values().forEach(f -> list.add(detail ? flavor(f) : Json.obj().put("id", f.id()).put("name", f.name()).set("links", links("flavors", f.id()))));
    return Reply.json(200, Json.obj().set("flavors", list));
  }

  private Reply getFlavor(Call c) {
    Flavor f = cloud.flavors.get(c.param("id"));
    if (f == null) throw ApiError.notFound("itemNotFound", "Flavor " + c.param("id") + " could not be found.");
    return Reply.json(200, Json.obj().set("flavor", flavor(f)));
  }

  private ObjectNode flavor(Flavor f) {
    ObjectNode o = Json.obj().put("id", f.id()).put("name", f.name()).put("ram", f.ram()).put("disk", f.disk()).put("vcpus", f.vcpus())
        // Nova 2.1 answers an empty string for "no swap"; openstack4j reads it into an int as 0.
        .put("swap", "").put("OS-FLV-EXT-DATA:ephemeral", 0).put("OS-FLV-DISABLED:disabled", false)
        .put("os-flavor-access:is_public", true).put("rxtx_factor", 1.0);
    o.set("links", links("flavors", f.id()));
    return o;
  }

  private Reply images(boolean detail) {
    ArrayNode list = Json.arr();
    cloud.images.values().forEach(i -> list.add(detail ? image(i) : Json.obj().put("id", i.id()).put("name", i.name()).set("links", links("images", i.id()))));
    return Reply.json(200, Json.obj().set("images", list));
  }

  private Reply getImage(Call c) {
    Image i = cloud.images.get(c.param("id"));
    if (i == null) throw ApiError.notFound("itemNotFound", "Image not found.");
    return Reply.json(200, Json.obj().set("image", image(i)));
  }

  private ObjectNode image(Image i) {
    ObjectNode o = Json.obj().put("id", i.id()).put("name", i.name()).put("status", "ACTIVE").put("progress", 100)
        .put("minDisk", 0).put("minRam", 0).put("created", Json.seconds(i.created())).put("updated", Json.seconds(i.created()))
        .put("OS-EXT-IMG-SIZE:size", i.size());
    o.set("metadata", Json.obj());
    o.set("links", links("images", i.id()));
    return o;
  }

  // ---------------------------------------------------------------- servers

  private record Nic(Network network, Port port, String fixedIp) {}

  private Reply createServer(Call c) {
    Token token = c.token();
    JsonNode s = Json.root(c.body(), "server");
    String name = Json.text(s, "name");
    if (name == null || name.isBlank() || name.length() > 255) {
      throw ApiError.badRequest("Invalid input for field/attribute name. Value: " + name + ". '" + name + "' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'");
    }
    Flavor flavor = cloud.flavors.get(lastSegment(Json.text(s, "flavorRef")));
    if (flavor == null) throw ApiError.badRequest("Flavor " + Json.text(s, "flavorRef") + " could not be found.");
    Image image = cloud.images.get(lastSegment(Json.text(s, "imageRef")));
    if (image == null) throw ApiError.badRequest("Image " + Json.text(s, "imageRef") + " could not be found.");
    String keyName = Json.text(s, "key_name");
    if (keyName != null && !cloud.keypairs.containsKey(keypairKey(token.userId, keyName))) throw ApiError.badRequest("Invalid key_name provided.");
    String userData = Json.text(s, "user_data");
    if (userData != null) {
      try {
        Base64.getDecoder().decode(userData.replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("Invalid input for field/attribute user_data. Value: " + userData + ". '" + userData + "' is not a 'base64'");
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = s.get("metadata");
    if (meta != null && meta.isObject()) meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
    Map<String, Integer> quota = cloud.novaQuota(token.projectId);
    if (metadata.size() > quota.get("metadata_items")) throw ApiError.forbidden("Quota exceeded for metadata_items: Requested " + metadata.size() + ", but already used 0 of " + quota.get("metadata_items") + " metadata_items");
    checkServerQuota(token.projectId, flavor, quota);

    List<SecurityGroup> groups = new ArrayList<>();
    JsonNode sgs = s.get("security_groups");
    if (sgs != null && sgs.isArray()) {
      for (JsonNode g : sgs) {
        String ref = Json.text(g, "name");
        SecurityGroup found = cloud.securityGroup(token.projectId, ref);
        if (found == null) throw ApiError.badRequest("Security group " + ref + " not found for project " + token.projectId + ".");
        if (!groups.contains(found)) groups.add(found);
      }
    }
    if (groups.isEmpty()) groups.add(cloud.ensureDefaultSecurityGroup(token.projectId));
    List<Nic> nics = nics(token, s.get("networks"));

    ServerGroup group = null;
    JsonNode hints = c.body().has("os:scheduler_hints") ? c.body().get("os:scheduler_hints") : c.body().get("OS-SCH-HNT:scheduler_hints");
    String groupId = Json.text(hints, "group");
    if (groupId != null) {
      group = cloud.serverGroups.get(groupId);
      if (group == null || !group.projectId.equals(token.projectId)) throw ApiError.badRequest("Invalid server group " + groupId + ".");
      int members = cloud.novaQuota(token.projectId).get("server_group_members");
      if (members >= 0 && group.members.size() >= members) throw ApiError.forbidden("Quota exceeded, too many servers in group");
    }

    Server server = new Server();
    server.id = Cloud.newId();
    server.name = name;
    server.projectId = token.projectId;
    server.userId = token.userId;
    server.flavorId = flavor.id();
    server.imageId = image.id();
    server.keyName = keyName;
    server.userData = userData;
    server.metadata.putAll(metadata);
    server.securityGroups.addAll(groups.stream().map(g -> g.name).toList());
    server.created = cloud.now();
    server.vmState = "building";
    server.powerState = 0;
    String failure = null;
    if (cloud.failNextBuilds > 0) {
      cloud.failNextBuilds--;
      failure = cloud.failBuildMessage;
    }
    server.host = schedule(group);
    if (server.host == null && failure == null) failure = "No valid host was found. There are not enough hosts available.";
    attachNics(server, nics, groups);
    if (group != null) {
      server.groupId = group.id;
      group.members.add(server.id);
    }
    cloud.servers.put(server.id, server);
    cloud.transition(server, "BUILD", "scheduling", failure == null ? "ACTIVE" : "ERROR", cloud.buildDelay);
    server.pendingFault = failure;

    ObjectNode created = Json.obj().put("id", server.id).put("OS-DCF:diskConfig", "MANUAL").put("adminPass", Cloud.newId().substring(0, 12));
    created.set("links", links("servers", server.id));
    ArrayNode sg = Json.arr();
    server.securityGroups.forEach(n -> sg.add(Json.obj().put("name", n)));
    created.set("security_groups", sg);
    return Reply.json(202, Json.obj().set("server", created)).header("Location", url("/v2.1/servers/" + server.id));
  }

  private void checkServerQuota(String projectId, Flavor flavor, Map<String, Integer> quota) {
    List<Server> own = Cloud.filter(cloud.servers.values(), x -> x.projectId.equals(projectId));
    int cores = own.stream().mapToInt(x -> cloud.flavors.get(x.flavorId).vcpus()).sum();
    int ram = own.stream().mapToInt(x -> cloud.flavors.get(x.flavorId).ram()).sum();
    exceeds("instances", own.size(), 1, quota);
    exceeds("cores", cores, flavor.vcpus(), quota);
    exceeds("ram", ram, flavor.ram(), quota);
  }

  private static void exceeds(String resource, int used, int requested, Map<String, Integer> quota) {
    int limit = quota.get(resource);
    if (limit >= 0 && used + requested > limit) {
      throw ApiError.forbidden("Quota exceeded for " + resource + ": Requested " + requested + ", but already used " + used + " of " + limit + " " + resource);
    }
  }

  /** Validates the requested NICs before anything is created, so a bad request leaves nothing behind. */
  private List<Nic> nics(Token token, JsonNode networks) {
    List<Nic> nics = new ArrayList<>();
    if (networks == null || networks.isNull()) {
      List<Network> candidates = Cloud.filter(cloud.networks.values(), n -> n.projectId.equals(token.projectId) && !n.external
          || n.shared && !n.external);
      List<Network> own = Cloud.filter(candidates, n -> n.projectId.equals(token.projectId));
      if (own.size() == 1) nics.add(new Nic(own.getFirst(), null, null));
      else if (own.size() > 1 || candidates.size() > 1) {
        throw ApiError.conflict("conflictingRequest", "Multiple possible networks found, use a Network ID to be more specific.");
      } else if (candidates.size() == 1) nics.add(new Nic(candidates.getFirst(), null, null));
      return nics;
    }
    if (!networks.isArray()) throw ApiError.badRequest("Invalid input for field/attribute networks. Value: " + networks + ". The simulator speaks microversion 2.1, where networks is a list.");
    for (JsonNode n : networks) {
      String portId = Json.text(n, "port");
      if (portId != null) {
        Port port = cloud.ports.get(portId);
        if (port == null || !port.projectId.equals(token.projectId) && !Cloud.isAdmin(token)) throw ApiError.badRequest("Port id " + portId + " could not be found.");
        if (!port.deviceId.isEmpty() || nics.stream().anyMatch(x -> x.port() == port)) throw ApiError.conflict("conflictingRequest", "Port " + portId + " is still in use.");
        nics.add(new Nic(cloud.networks.get(port.networkId), port, null));
        continue;
      }
      String uuid = Json.text(n, "uuid");
      Network net = uuid == null ? null : cloud.networks.get(uuid);
      if (net == null || !Cloud.visible(net, token)) throw ApiError.badRequest("Network " + uuid + " could not be found.");
      if (cloud.subnets.values().stream().noneMatch(x -> x.networkId.equals(net.id))) {
        throw ApiError.badRequest("Network " + net.id + " requires a subnet in order to boot instances on.");
      }
      String fixedIp = Json.text(n, "fixed_ip");
      if (fixedIp != null) {
        if (cloud.subnets.values().stream().noneMatch(x -> x.networkId.equals(net.id) && x.cidr.contains(fixedIp))) {
          throw ApiError.badRequest("Fixed IP " + fixedIp + " is not a valid ip address for network " + net.id + ".");
        }
        boolean used = cloud.ports.values().stream().anyMatch(p -> p.fixedIps.stream().anyMatch(f -> f.ipAddress().equals(fixedIp)
            && cloud.subnets.get(f.subnetId()) != null && cloud.subnets.get(f.subnetId()).networkId.equals(net.id)));
        if (used || nics.stream().anyMatch(x -> fixedIp.equals(x.fixedIp()) && x.network() == net)) {
          throw ApiError.badRequest("Fixed IP address " + fixedIp + " is already in use on instance.");
        }
      }
      nics.add(new Nic(net, null, fixedIp));
    }
    return nics;
  }

  private void attachNics(Server server, List<Nic> nics, List<SecurityGroup> groups) {
    List<String> groupIds = groups.stream().map(g -> g.id).toList();
    for (Nic nic : nics) {
      Port port = nic.port();
      if (port == null) {
        try {
          port = cloud.createPort(server.projectId, nic.network(), nic.fixedIp() == null ? List.of() : List.of(new IpRequest(null, nic.fixedIp())),
              "", server.id, "compute:nova", groupIds);
        } catch (ApiError e) {
          cloud.releasePorts(server);
          throw ApiError.badRequest(e.getMessage());
        }
        server.novaPorts.add(port.id);
      } else {
        port.deviceId = server.id;
        port.deviceOwner = "compute:nova";
        port.status = "ACTIVE";
      }
      port.hostId = server.host;
      server.portIds.add(port.id);
    }
  }

  /** The least loaded host that honours the group's policy, or null when none does (NoValidHost). */
  private String schedule(ServerGroup group) {
    Map<String, Integer> load = new LinkedHashMap<>();
    cloud.hosts.forEach(h -> load.put(h, 0));
    cloud.servers.values().forEach(s -> load.computeIfPresent(s.host, (h, n) -> n + 1));
    List<String> candidates = new ArrayList<>(load.keySet());
    if (group != null) {
      Set<String> used = new java.util.HashSet<>();
      group.members.stream().map(cloud.servers::get).filter(Objects::nonNull).map(s -> s.host).filter(Objects::nonNull).forEach(used::add);
      String policy = group.policies.isEmpty() ? "" : group.policies.getFirst();
      if (policy.equals("anti-affinity")) candidates.removeIf(used::contains);
      else if (policy.equals("affinity") && !used.isEmpty()) candidates.retainAll(used);
      else if (policy.equals("soft-anti-affinity") && candidates.stream().anyMatch(h -> !used.contains(h))) candidates.removeIf(used::contains);
      else if (policy.equals("soft-affinity") && !used.isEmpty()) candidates.retainAll(used);
    }
    return candidates.stream().min(Comparator.comparingInt(load::get)).orElse(null);
  }

  private Reply listServers(Call c, boolean detail) {
    Token token = c.token();
    boolean allTenants = c.query("all_tenants") != null && !List.of("0", "false", "False").contains(c.query("all_tenants"));
    if (allTenants && !Cloud.isAdmin(token)) throw ApiError.forbidden("Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.");
    String project = !allTenants ? token.projectId : c.query("project_id") != null ? c.query("project_id") : c.query("tenant_id");
    Pattern name = regex(c.query("name"), "name");
    Pattern ip = regex(c.query("ip"), "ip");
    Instant changesSince = instant(c.query("changes-since"));
    List<Server> found = new ArrayList<>();
    for (Server s : cloud.servers.values()) {
      cloud.settle(s);
      if (project != null && !s.projectId.equals(project)) continue;
      if (name != null && !name.matcher(s.name).find()) continue;
      if (c.query("status") != null && !s.status.equalsIgnoreCase(c.query("status"))) continue;
      if (c.query("image") != null && !s.imageId.equals(lastSegment(c.query("image")))) continue;
      if (c.query("flavor") != null && !s.flavorId.equals(lastSegment(c.query("flavor")))) continue;
      if (c.query("host") != null && Cloud.isAdmin(token) && !c.query("host").equals(s.host)) continue;
      if (changesSince != null && s.updated.isBefore(changesSince)) continue;
      if (ip != null && addresses(s).stream().noneMatch(a -> ip.matcher(a.ipAddress()).find())) continue;
      found.add(s);
    }
    // Nova lists the newest first; servers created in the same instant, the last created first.
    java.util.Collections.reverse(found);
    found.sort(Comparator.comparing((Server s) -> s.created).reversed());
    found = page(found, c.query("marker"), c.query("limit"));
    ArrayNode list = Json.arr();
    for (Server s : found) list.add(detail ? server(s, token) : Json.obj().put("id", s.id).put("name", s.name).set("links", links("servers", s.id)));
    return Reply.json(200, Json.obj().set("servers", list));
  }

  private static List<Server> page(List<Server> found, String marker, String limit) {
    List<Server> out = found;
    if (marker != null) {
      int at = -1;
      for (int i = 0; i < out.size(); i++) if (out.get(i).id.equals(marker)) at = i;
      if (at < 0) throw ApiError.badRequest("marker [" + marker + "] not found");
      out = out.subList(at + 1, out.size());
    }
    if (limit != null) {
      int n;
      try {
        n = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("Invalid input for query parameters limit. Value: " + limit + ".");
      }
      if (n < out.size()) out = out.subList(0, Math.max(0, n));
    }
    return new ArrayList<>(out);
  }

  /** Nova's regex filters: Python's re.search, unanchored; MySQL's default collation makes name case-insensitive. */
  private static Pattern regex(String value, String field) {
    if (value == null) return null;
    try {
      return Pattern.compile(value, Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw ApiError.badRequest("Invalid regular expression in filter " + field + ": " + value);
    }
  }

  private static Instant instant(String value) {
    if (value == null) return null;
    try {
      return Instant.parse(value.endsWith("Z") || value.contains("+") ? value : value + "Z");
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("Invalid input for query parameters changes-since. Value: " + value + ".");
    }
  }

  private Reply getServer(Call c) {
    Server s = server(c);
    return Reply.json(200, Json.obj().set("server", server(s, c.token())));
  }

  /** The caller's server, settled; 404 for another project's (Nova does not tell them apart), unless admin. */
  private Server server(Call c) {
    Server s = cloud.servers.get(c.param("id"));
    if (s == null || !s.projectId.equals(c.token().projectId) && !Cloud.isAdmin(c.token())) {
      throw ApiError.notFound("itemNotFound", "Instance " + c.param("id") + " could not be found.");
    }
    cloud.settle(s);
    return s;
  }

  /** POST merges the given items into the server's metadata; PUT replaces all of it (as Nova does). */
  private Reply updateMetadata(Call c, boolean replace) {
    Server s = server(c);
    JsonNode meta = c.body() == null ? null : c.body().get("metadata");
    if (meta == null || !meta.isObject()) throw ApiError.badRequest("Malformed request body: metadata expected.");
    if (replace) s.metadata.clear();
    meta.fields().forEachRemaining(e -> s.metadata.put(e.getKey(), e.getValue().asText()));
    return Reply.json(200, Json.obj().set("metadata", Json.map(s.metadata)));
  }

  private Reply deleteServer(Call c) {
    cloud.removeServer(server(c));
    return Reply.empty(204);
  }

  private Reply serverAction(Call c) {
    Server s = server(c);
    JsonNode body = c.body();
    if (body == null || !body.isObject() || body.size() != 1) throw ApiError.badRequest("Malformed request body: one action expected.");
    String action = body.fieldNames().next();
    actionCounts.merge(action, 1L, Long::sum);
    JsonNode args = body.get(action);
    switch (action) {
      case "reboot" -> {
        String type = Objects.requireNonNullElse(Json.text(args, "type"), "");
        boolean hard = type.equalsIgnoreCase("HARD");
        if (!hard && !type.equalsIgnoreCase("SOFT")) throw ApiError.badRequest("Invalid input for field/attribute type. Value: " + type + ". '" + type + "' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
        boolean allowed = hard ? Set.of("active", "stopped", "error").contains(s.vmState) && !"deleting".equals(s.taskState)
            : s.vmState.equals("active") && s.taskState == null;
        if (!allowed) throw stateConflict("reboot", s);
        s.faultMessage = null;
        cloud.transition(s, hard ? "HARD_REBOOT" : "REBOOT", hard ? "reboot_started_hard" : "reboot_started", "ACTIVE", cloud.actionDelay);
        return Reply.empty(202);
      }
      case "rebuild" -> {
        if (!Set.of("active", "stopped", "error").contains(s.vmState) || s.taskState != null) throw stateConflict("rebuild", s);
        Image image = cloud.images.get(lastSegment(Json.text(args, "imageRef")));
        if (image == null) throw ApiError.badRequest("Image " + Json.text(args, "imageRef") + " could not be found.");
        s.imageId = image.id();
        if (Json.text(args, "name") != null) s.name = Json.text(args, "name");
        JsonNode meta = args.get("metadata");
        if (meta != null && meta.isObject()) {
          s.metadata.clear();
          meta.fields().forEachRemaining(e -> s.metadata.put(e.getKey(), e.getValue().asText()));
        }
        s.faultMessage = null;
        cloud.transition(s, "REBUILD", "rebuilding", "ACTIVE", cloud.actionDelay);
        ObjectNode answer = server(s, c.token()).put("adminPass", Cloud.newId().substring(0, 12));
        return Reply.json(202, Json.obj().set("server", answer));
      }
      case "os-stop" -> {
        if (!s.vmState.equals("active") || s.taskState != null) throw stateConflict("stop", s);
        cloud.transition(s, s.status, "powering-off", "SHUTOFF", cloud.actionDelay);
        return Reply.empty(202);
      }
      case "os-start" -> {
        if (!s.vmState.equals("stopped") || s.taskState != null) throw stateConflict("start", s);
        cloud.transition(s, s.status, "powering-on", "ACTIVE", cloud.actionDelay);
        return Reply.empty(202);
      }
      default -> throw ApiError.badRequest("There is no such action: " + action);
    }
  }

  private static ApiError stateConflict(String action, Server s) {
    String state = s.taskState != null ? "task_state " + s.taskState : "vm_state " + s.vmState;
    return ApiError.conflict("conflictingRequest", "Cannot '" + action + "' instance " + s.id + " while it is in " + state);
  }

  private List<FixedIp> addresses(Server s) {
    List<FixedIp> out = new ArrayList<>();
    for (String portId : s.portIds) {
      Port p = cloud.ports.get(portId);
      if (p != null) out.addAll(p.fixedIps);
    }
    return out;
  }

  private ObjectNode server(Server s, Token token) {
    ObjectNode o = Json.obj().put("id", s.id).put("name", s.name).put("status", s.status).put("tenant_id", s.projectId).put("user_id", s.userId);
    o.set("metadata", Json.map(s.metadata));
    o.put("hostId", s.host == null ? "" : hostId(s));
    o.set("image", Json.obj().put("id", s.imageId).set("links", Json.arr().add(Json.obj().put("rel", "bookmark").put("href", url("/images/" + s.imageId)))));
    o.set("flavor", Json.obj().put("id", s.flavorId).set("links", Json.arr().add(Json.obj().put("rel", "bookmark").put("href", url("/flavors/" + s.flavorId)))));
    o.put("created", Json.seconds(s.created)).put("updated", Json.seconds(s.updated));
    ObjectNode addresses = Json.obj();
    if (!"BUILD".equals(s.status)) {
      // Nova reports addresses from its network info cache, filled once the build has wired the NICs.
      for (String portId : s.portIds) {
        Port p = cloud.ports.get(portId);
        Network n = p == null ? null : cloud.networks.get(p.networkId);
        if (n == null) continue;
        ArrayNode list = addresses.has(n.name) ? (ArrayNode) addresses.get(n.name) : addresses.putArray(n.name);
        for (FixedIp f : p.fixedIps) {
          list.add(Json.obj().put("version", 4).put("addr", f.ipAddress()).put("OS-EXT-IPS:type", "fixed").put("OS-EXT-IPS-MAC:mac_addr", p.macAddress));
        }
      }
    }
    o.set("addresses", addresses);
    o.put("accessIPv4", "").put("accessIPv6", "");
    o.set("links", links("servers", s.id));
    o.put("OS-DCF:diskConfig", "MANUAL").put("progress", 0).put("OS-EXT-AZ:availability_zone", "nova").put("config_drive", "");
    if (s.keyName == null) o.putNull("key_name");
    else o.put("key_name", s.keyName);
    o.put("OS-SRV-USG:launched_at", Json.novaUsage(s.launchedAt)).putNull("OS-SRV-USG:terminated_at");
    if (Cloud.isAdmin(token)) {
      o.put("OS-EXT-SRV-ATTR:host", s.host).put("OS-EXT-SRV-ATTR:hypervisor_hostname", s.host)
          .put("OS-EXT-SRV-ATTR:instance_name", "instance-" + s.id.substring(0, 8));
    }
    if (s.taskState == null) o.putNull("OS-EXT-STS:task_state");
    else o.put("OS-EXT-STS:task_state", s.taskState);
    o.put("OS-EXT-STS:vm_state", s.vmState).put("OS-EXT-STS:power_state", s.powerState);
    o.set("os-extended-volumes:volumes_attached", Json.arr());
    if (!s.portIds.isEmpty()) {
      ArrayNode sg = Json.arr();
      s.securityGroups.forEach(n -> sg.add(Json.obj().put("name", n)));
      o.set("security_groups", sg);
    }
    if ("ERROR".equals(s.status) && s.faultMessage != null) {
      o.set("fault", Json.obj().put("code", s.faultCode).put("created", Json.seconds(s.faultAt)).put("message", s.faultMessage));
    }
    return o;
  }

  private static String hostId(Server s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-224").digest((s.projectId + s.host).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-224", e);
    }
  }

  /** A flavorRef or imageRef may be an id or a URL ending in one. */
  private static String lastSegment(String ref) {
    if (ref == null) return "";
    String r = ref.endsWith("/") ? ref.substring(0, ref.length() - 1) : ref;
    return r.substring(r.lastIndexOf('/') + 1);
  }

  // ---------------------------------------------------------------- server groups

  private Reply listGroups(Call c) {
    boolean all = c.query("all_projects") != null && Cloud.isAdmin(c.token());
    ArrayNode list = Json.arr();
    cloud.serverGroups.values().stream().filter(g -> all || g.projectId.equals(c.token().projectId)).forEach(g -> list.add(group(g)));
    return Reply.json(200, Json.obj().set("server_groups", list));
  }

  private Reply createGroup(Call c) {
    JsonNode g = Json.root(c.body(), "server_group");
    String name = Json.text(g, "name");
    if (name == null || name.isBlank()) throw ApiError.badRequest("Invalid input for field/attribute name. Value: None. None is not of type 'string'");
    List<String> policies = Json.stringList(g, "policies");
    if (policies.isEmpty() && Json.text(g, "policy") != null) policies = List.of(Json.text(g, "policy"));
    if (policies.size() != 1 || !GROUP_POLICIES.contains(policies.getFirst())) {
      throw ApiError.badRequest("Invalid input for field/attribute policies. Value: " + policies + ". It must be one of " + GROUP_POLICIES);
    }
    int limit = cloud.novaQuota(c.token().projectId).get("server_groups");
    if (limit >= 0 && cloud.count(Kind.SERVER_GROUP, c.token().projectId) >= limit) throw ApiError.forbidden("Quota exceeded, too many server groups.");
    ServerGroup group = new ServerGroup();
    group.id = Cloud.newId();
    group.name = name;
    group.projectId = c.token().projectId;
    group.userId = c.token().userId;
    group.policies.addAll(policies);
    cloud.serverGroups.put(group.id, group);
    return Reply.json(200, Json.obj().set("server_group", group(group)));
  }

  private ServerGroup ownGroup(Call c) {
    ServerGroup g = cloud.serverGroups.get(c.param("id"));
    if (g == null || !g.projectId.equals(c.token().projectId) && !Cloud.isAdmin(c.token())) {
      throw ApiError.notFound("itemNotFound", "Instance group " + c.param("id") + " could not be found.");
    }
    return g;
  }

  private Reply deleteGroup(Call c) {
    ServerGroup g = ownGroup(c);
    cloud.serverGroups.remove(g.id);
    cloud.servers.values().stream().filter(s -> g.id.equals(s.groupId)).forEach(s -> s.groupId = null);
    return Reply.empty(204);
  }

  private ObjectNode group(ServerGroup g) {
    ObjectNode o = Json.obj().put("id", g.id).put("name", g.name).put("project_id", g.projectId).put("user_id", g.userId);
    o.set("policies", Json.strings(g.policies));
    o.set("members", Json.strings(g.members));
    o.set("metadata", Json.obj());
    return o;
  }

  // ---------------------------------------------------------------- keypairs

  static String keypairKey(String userId, String name) {
    return userId + "/" + name;
  }

  private Reply listKeypairs(Call c) {
    ArrayNode list = Json.arr();
    cloud.keypairs.values().stream().filter(k -> k.userId.equals(c.token().userId))
        .forEach(k -> list.add(Json.obj().set("keypair", Json.obj().put("name", k.name).put("public_key", k.publicKey).put("fingerprint", k.fingerprint))));
    return Reply.json(200, Json.obj().set("keypairs", list));
  }

  private Reply createKeypair(Call c) {
    JsonNode k = Json.root(c.body(), "keypair");
    String name = Json.text(k, "name");
    if (name == null || !KEYPAIR_NAME.matcher(name).matches()) throw ApiError.badRequest("Keypair data is invalid: Keypair name contains unsafe characters");
    if (cloud.keypairs.containsKey(keypairKey(c.token().userId, name))) throw ApiError.conflict("conflictingRequest", "Key pair '" + name + "' already exists.");
    int limit = cloud.novaQuota(c.token().projectId).get("key_pairs");
    long owned = cloud.keypairs.values().stream().filter(x -> x.userId.equals(c.token().userId)).count();
    if (limit >= 0 && owned >= limit) throw ApiError.forbidden("Quota exceeded, too many key pairs.");
    Keypair kp = new Keypair();
    kp.name = name;
    kp.userId = c.token().userId;
    kp.created = cloud.now();
    String privateKey = null;
    String publicKey = Json.text(k, "public_key");
    if (publicKey == null) {
      KeyPair generated = generate();
      publicKey = "ssh-rsa " + Base64.getEncoder().encodeToString(rsaBlob((RSAPublicKey) generated.getPublic())) + " Generated-by-Nova";
      privateKey = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8)).encodeToString(generated.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }
    kp.publicKey = publicKey.strip();
    kp.fingerprint = fingerprint(kp.publicKey);
    cloud.keypairs.put(keypairKey(kp.userId, name), kp);
    ObjectNode o = keypair(kp);
    if (privateKey != null) o.put("private_key", privateKey);
    return Reply.json(200, Json.obj().set("keypair", o));
  }

  private Reply getKeypair(Call c) {
    Keypair k = cloud.keypairs.get(keypairKey(c.token().userId, c.param("name")));
    if (k == null) throw ApiError.notFound("itemNotFound", "Keypair " + c.param("name") + " not found for user " + c.token().userId);
    ObjectNode o = keypair(k).put("id", Math.abs(k.name.hashCode())).put("deleted", false).put("created_at", Json.seconds(k.created))
        .putNull("updated_at").putNull("deleted_at");
    return Reply.json(200, Json.obj().set("keypair", o));
  }

  private Reply deleteKeypair(Call c) {
    if (cloud.keypairs.remove(keypairKey(c.token().userId, c.param("name"))) == null) {
      throw ApiError.notFound("itemNotFound", "Keypair " + c.param("name") + " not found for user " + c.token().userId);
    }
    return Reply.empty(202);
  }

  private static ObjectNode keypair(Keypair k) {
    return Json.obj().put("name", k.name).put("public_key", k.publicKey).put("fingerprint", k.fingerprint).put("user_id", k.userId);
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has RSA", e);
    }
  }

  /** The OpenSSH wire encoding of an RSA public key: "ssh-rsa", e, n as length-prefixed strings. */
  private static byte[] rsaBlob(RSAPublicKey key) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : List.of("ssh-rsa".getBytes(StandardCharsets.US_ASCII), key.getPublicExponent().toByteArray(), key.getModulus().toByteArray())) {
      out.write(part.length >>> 24);
      out.write(part.length >>> 16);
      out.write(part.length >>> 8);
      out.write(part.length);
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Nova's fingerprint: MD5 of the key blob, colon-separated hex; 400 when the key does not parse. */
  private static String fingerprint(String publicKey) {
    String[] parts = publicKey.split("\\s+");
    try {
      if (parts.length < 2 || !parts[0].startsWith("ssh-") && !parts[0].startsWith("ecdsa-")) throw new IllegalArgumentException();
      byte[] digest = MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(parts[1]));
      return HexFormat.ofDelimiter(":").formatHex(digest);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw ApiError.badRequest("Keypair data is invalid: failed to generate fingerprint");
    }
  }

  // ---------------------------------------------------------------- quotas and limits

  private Reply getQuota(Call c) {
    String project = c.param("project");
    if (!Cloud.isAdmin(c.token()) && !project.equals(c.token().projectId)) throw ApiError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
    return Reply.json(200, Json.obj().set("quota_set", quotaSet(project, cloud.novaQuota(project))));
  }

  private Reply updateQuota(Call c) {
    if (!Cloud.isAdmin(c.token())) throw ApiError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.");
    String project = c.param("project");
    JsonNode in = Json.root(c.body(), "quota_set");
    Map<String, Integer> changes = new LinkedHashMap<>();
    for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.equals("force") || key.equals("id")) continue;
      if (!Cloud.NOVA_DEFAULT_QUOTAS.containsKey(key)) throw ApiError.badRequest("Invalid input for field/attribute quota_set. Additional properties are not allowed ('" + key + "' was unexpected)");
      Integer v = Json.integer(in, key);
      if (v == null || v < -1) throw ApiError.badRequest("Invalid input for field/attribute " + key + ". Value: " + in.get(key) + ". must be -1 or greater");
      changes.put(key, v);
    }
    cloud.novaQuotas.computeIfAbsent(project, p -> new HashMap<>()).putAll(changes);
    ObjectNode set = quotaSet(project, cloud.novaQuota(project));
    set.remove("id");
    return Reply.json(200, Json.obj().set("quota_set", set));
  }

  private static ObjectNode quotaSet(String project, Map<String, Integer> values) {
    ObjectNode o = Json.obj().put("id", project);
    values.forEach(o::put);
    return o;
  }

  private Reply limits(Call c) {
    String project = c.token().projectId;
    Map<String, Integer> q = cloud.novaQuota(project);
    List<Server> own = Cloud.filter(cloud.servers.values(), s -> s.projectId.equals(project));
    ObjectNode a = Json.obj()
        .put("maxTotalInstances", q.get("instances")).put("totalInstancesUsed", own.size())
        .put("maxTotalCores", q.get("cores")).put("totalCoresUsed", own.stream().mapToInt(s -> cloud.flavors.get(s.flavorId).vcpus()).sum())
        .put("maxTotalRAMSize", q.get("ram")).put("totalRAMUsed", own.stream().mapToInt(s -> cloud.flavors.get(s.flavorId).ram()).sum())
        .put("maxServerMeta", q.get("metadata_items")).put("maxImageMeta", 128)
        .put("maxPersonality", q.get("injected_files")).put("maxPersonalitySize", q.get("injected_file_content_bytes"))
        .put("maxTotalKeypairs", q.get("key_pairs")).put("maxServerGroups", q.get("server_groups")).put("maxServerGroupMembers", q.get("server_group_members"))
        .put("totalServerGroupsUsed", cloud.count(Kind.SERVER_GROUP, project))
        .put("maxSecurityGroups", q.get("security_groups")).put("maxSecurityGroupRules", q.get("security_group_rules"))
        .put("totalSecurityGroupsUsed", 0).put("maxTotalFloatingIps", q.get("floating_ips")).put("totalFloatingIpsUsed", 0);
    ObjectNode limits = Json.obj();
    limits.set("rate", Json.arr());
    limits.set("absolute", a);
    return Reply.json(200, Json.obj().set("limits", limits));
  }
}

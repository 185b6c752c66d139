package dev.escalator.operator.openstack.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.escalator.operator.openstack.sim.Cloud.FixedIp;
import dev.escalator.operator.openstack.sim.Cloud.IpRequest;
import dev.escalator.operator.openstack.sim.Cloud.Network;
import dev.escalator.operator.openstack.sim.Cloud.Pool;
import dev.escalator.operator.openstack.sim.Cloud.Port;
import dev.escalator.operator.openstack.sim.Cloud.Router;
import dev.escalator.operator.openstack.sim.Cloud.Rule;
import dev.escalator.operator.openstack.sim.Cloud.SecurityGroup;
import dev.escalator.operator.openstack.sim.Cloud.Subnet;
import dev.escalator.operator.openstack.sim.Cloud.Token;
import dev.escalator.operator.openstack.sim.Routes.Call;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Neutron v2.0: networks, subnets (IPv4, with IPAM from the allocation pools), ports, routers
 * (external gateway, add and remove router interface), security groups and rules, quotas and
 * resource tags.
 *
 * <p>Lists filter the way Neutron does: any query parameter naming a top-level attribute is an
 * equality filter (repeated values OR together), plus {@code tags}, {@code tags-any},
 * {@code not-tags}, {@code not-tags-any} (comma-separated), {@code fixed_ips=ip_address=...} on
 * ports and {@code fields}. An admin sees every project's resources in a list, as with real
 * Neutron: an admin client looking a name up must also filter by {@code project_id}. Unknown
 * filters are ignored (openstack4j's {@code PortListOptions} sends a few Neutron does not know).
 */
final class NeutronApi implements ServiceApi {
  private static final Set<String> LIST_CONTROLS = Set.of("fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse",
      "tags", "tags-any", "not-tags", "not-tags-any", "fixed_ips");
  private static final Set<String> TAGGABLE = Set.of("networks", "subnets", "ports", "routers", "security-groups");

  private final Cloud cloud;
  private final Supplier<String> baseUrl;
  private final Routes routes = new Routes();

  NeutronApi(Cloud cloud, Supplier<String> baseUrl) {
    this.cloud = cloud;
    this.baseUrl = baseUrl;
    routes.open("GET", "/", c -> Reply.json(200, Json.obj().set("versions", Json.arr().add(version()))))
        .add("GET", "/v2.0", c -> Reply.json(200, Json.obj().set("resources", Json.arr())))
        .add("GET", "/v2.0/extensions", c -> extensions())
        .add("GET", "/v2.0/networks", c -> list(c, "networks", cloud.networks.values(), n -> visibleNetwork(n, c.token()), this::network))
        .add("POST", "/v2.0/networks", this::createNetwork)
        .add("GET", "/v2.0/networks/{id}", c -> Reply.json(200, Json.obj().set("network", network(network(c, c.param("id"))))))
        .add("PUT", "/v2.0/networks/{id}", this::updateNetwork)
        .add("DELETE", "/v2.0/networks/{id}", this::deleteNetwork)
        .add("GET", "/v2.0/subnets", c -> list(c, "subnets", cloud.subnets.values(), s -> visibleSubnet(s, c.token()), this::subnet))
        .add("POST", "/v2.0/subnets", this::createSubnet)
        .add("GET", "/v2.0/subnets/{id}", c -> Reply.json(200, Json.obj().set("subnet", subnet(subnet(c, c.param("id"))))))
        .add("PUT", "/v2.0/subnets/{id}", this::updateSubnet)
        .add("DELETE", "/v2.0/subnets/{id}", this::deleteSubnet)
        .add("GET", "/v2.0/ports", c -> list(c, "ports", cloud.ports.values(), p -> owned(p.projectId, c.token()), this::port))
        .add("POST", "/v2.0/ports", this::createPort)
        .add("GET", "/v2.0/ports/{id}", c -> Reply.json(200, Json.obj().set("port", port(port(c, c.param("id"))))))
        .add("PUT", "/v2.0/ports/{id}", this::updatePort)
        .add("DELETE", "/v2.0/ports/{id}", this::deletePort)
        .add("GET", "/v2.0/routers", c -> list(c, "routers", cloud.routers.values(), r -> owned(r.projectId, c.token()), this::router))
        .add("POST", "/v2.0/routers", this::createRouter)
        .add("GET", "/v2.0/routers/{id}", c -> Reply.json(200, Json.obj().set("router", router(router(c, c.param("id"))))))
        .add("PUT", "/v2.0/routers/{id}", this::updateRouter)
        .add("DELETE", "/v2.0/routers/{id}", this::deleteRouter)
        .add("PUT", "/v2.0/routers/{id}/add_router_interface", this::addInterface)
        .add("PUT", "/v2.0/routers/{id}/remove_router_interface", this::removeInterface)
        .add("GET", "/v2.0/security-groups", c -> list(c, "security_groups", cloud.securityGroups.values(), g -> owned(g.projectId, c.token()), this::securityGroup))
        .add("POST", "/v2.0/security-groups", this::createSecurityGroup)
        .add("GET", "/v2.0/security-groups/{id}", c -> Reply.json(200, Json.obj().set("security_group", securityGroup(securityGroup(c, c.param("id"))))))
        .add("PUT", "/v2.0/security-groups/{id}", this::updateSecurityGroup)
        .add("DELETE", "/v2.0/security-groups/{id}", this::deleteSecurityGroup)
        .add("GET", "/v2.0/security-group-rules", c -> list(c, "security_group_rules", cloud.rules.values(), r -> owned(r.projectId, c.token()), NeutronApi::rule))
        .add("POST", "/v2.0/security-group-rules", this::createRule)
        .add("GET", "/v2.0/security-group-rules/{id}", c -> Reply.json(200, Json.obj().set("security_group_rule", rule(rule(c)))))
        .add("DELETE", "/v2.0/security-group-rules/{id}", this::deleteRule)
        .add("GET", "/v2.0/quotas", this::listQuotas)
        .add("GET", "/v2.0/quotas/{project}", this::getQuota)
        .add("GET", "/v2.0/quotas/{project}/default", c -> Reply.json(200, Json.obj().set("quota", quota(Cloud.NEUTRON_DEFAULT_QUOTAS))))
        .add("PUT", "/v2.0/quotas/{project}", this::updateQuota)
        .add("DELETE", "/v2.0/quotas/{project}", this::resetQuota)
        .add("GET", "/v2.0/{resource}/{id}/tags", c -> Reply.json(200, Json.obj().set("tags", Json.strings(tags(c)))))
        .add("PUT", "/v2.0/{resource}/{id}/tags", this::replaceTags)
        .add("DELETE", "/v2.0/{resource}/{id}/tags", c -> {
          tags(c).clear();
          return Reply.empty(204);
        })
        .add("GET", "/v2.0/{resource}/{id}/tags/{tag}", this::checkTag)
        .add("PUT", "/v2.0/{resource}/{id}/tags/{tag}", this::addTag)
        .add("DELETE", "/v2.0/{resource}/{id}/tags/{tag}", this::removeTag);
  }

  @Override
  public Routes routes() {
    return routes;
  }

  /** Neutron's error body: {@code {"NeutronError": {"type", "message", "detail"}}}. */
  @Override
  public Reply error(ApiError e) {
    String type = switch (e.type()) {
      case "badRequest" -> "HTTPBadRequest";
      case "forbidden" -> "HTTPForbidden";
      case "notFound" -> "HTTPNotFound";
      default -> e.type();
    };
    ObjectNode inner = Json.obj().put("type", type).put("message", e.getMessage()).put("detail", "");
    return Reply.json(e.status(), Json.obj().set("NeutronError", inner));
  }

  private ObjectNode version() {
    ObjectNode v = Json.obj().put("id", "v2.0").put("status", "CURRENT");
    v.set("links", Json.arr().add(Json.obj().put("rel", "self").put("href", baseUrl.get() + Service.NETWORK.prefix() + "/v2.0/")));
    return v;
  }

  private static Reply extensions() {
    ArrayNode list = Json.arr();
    for (String alias : List.of("external-net", "router", "security-group", "quotas", "standard-attr-tag", "standard-attr-description",
        "project-id", "port-security", "binding", "network-ip-availability")) {
      list.add(Json.obj().put("alias", alias).put("name", alias).put("description", alias).put("updated", "2013-01-01T00:00:00-00:00").set("links", Json.arr()));
    }
    return Reply.json(200, Json.obj().set("extensions", list));
  }

  // ---------------------------------------------------------------- listing and filtering

  private <T> Reply list(Call c, String collection, Iterable<T> items, java.util.function.Predicate<T> visible, Function<T, ObjectNode> render) {
    ArrayNode out = Json.arr();
    for (T item : items) {
      if (!visible.test(item)) continue;
      ObjectNode o = render.apply(item);
      if (matches(o, c)) out.add(fields(o, c.queryAll("fields")));
    }
    return Reply.json(200, Json.obj().set(collection, out));
  }

  private static boolean matches(ObjectNode o, Call c) {
    for (Map.Entry<String, List<String>> q : c.query().entrySet()) {
      String key = q.getKey();
      if (LIST_CONTROLS.contains(key)) continue;
      JsonNode field = o.get(key);
      if (field == null || field.isContainerNode()) continue; // an attribute Neutron would not filter on: ignored
      String actual = field.isNull() ? "" : field.asText();
      if (q.getValue().stream().noneMatch(v -> field.isBoolean() ? v.equalsIgnoreCase(actual) : v.equals(actual))) return false;
    }
    List<String> tags = new ArrayList<>();
    o.path("tags").forEach(t -> tags.add(t.asText()));
    if (!tagFilter(c.query("tags"), tags, true, true)) return false;
    if (!tagFilter(c.query("tags-any"), tags, false, true)) return false;
    if (!tagFilter(c.query("not-tags"), tags, true, false)) return false;
    if (!tagFilter(c.query("not-tags-any"), tags, false, false)) return false;
    for (String fixed : c.queryAll("fixed_ips")) {
      int eq = fixed.indexOf('=');
      if (eq < 0) continue;
      String attr = fixed.substring(0, eq);
      String value = fixed.substring(eq + 1);
      boolean any = false;
      for (JsonNode ip : o.path("fixed_ips")) any |= value.equals(ip.path(attr).asText());
      if (!any) return false;
    }
    return true;
  }

  /** Neutron's tag filters: all of ({@code tags}), any of ({@code tags-any}), and their negations. */
  private static boolean tagFilter(String filter, List<String> tags, boolean all, boolean positive) {
    if (filter == null) return true;
    List<String> wanted = Arrays.stream(filter.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    boolean hit = all ? tags.containsAll(wanted) : wanted.stream().anyMatch(tags::contains);
    return positive == hit;
  }

  private static ObjectNode fields(ObjectNode o, List<String> fields) {
    if (fields.isEmpty()) return o;
    ObjectNode kept = Json.obj();
    fields.forEach(f -> {
      if (o.has(f)) kept.set(f, o.get(f));
    });
    return kept;
  }

  private static boolean owned(String projectId, Token t) {
    return Cloud.isAdmin(t) || Objects.equals(projectId, t.projectId);
  }

  private boolean visibleNetwork(Network n, Token t) {
    return Cloud.visible(n, t);
  }

  private boolean visibleSubnet(Subnet s, Token t) {
    Network n = cloud.networks.get(s.networkId);
    return owned(s.projectId, t) || n != null && (n.shared || n.external);
  }

  /** The project a create acts for: the caller's, or, for an admin only, the one the body names. */
  private static String projectFor(JsonNode body, Token t) {
    String asked = Json.text(body, "project_id") != null ? Json.text(body, "project_id") : Json.text(body, "tenant_id");
    if (asked == null || asked.equals(t.projectId)) return t.projectId;
    if (!Cloud.isAdmin(t)) throw ApiError.forbidden("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges");
    return asked;
  }

  private static void standard(ObjectNode o, String projectId, String description, Instant created, Instant updated, List<String> tags) {
    o.put("tenant_id", projectId).put("project_id", projectId).put("description", description)
        .put("created_at", Json.seconds(created)).put("updated_at", Json.seconds(updated)).put("revision_number", 1);
    o.set("tags", Json.strings(tags));
  }

  // ---------------------------------------------------------------- networks

  private Network network(Call c, String id) {
    Network n = id == null ? null : cloud.networks.get(id);
    if (n == null || !Cloud.visible(n, c.token())) throw ApiError.notFound("NetworkNotFound", "Network " + id + " could not be found.");
    return n;
  }

  private Reply createNetwork(Call c) {
    Token t = c.token();
    JsonNode in = Json.root(c.body(), "network");
    String project = projectFor(in, t);
    Boolean shared = Json.bool(in, "shared");
    Boolean external = Json.bool(in, "router:external");
    if ((Boolean.TRUE.equals(shared) || Boolean.TRUE.equals(external) || in.has("provider:network_type")) && !Cloud.isAdmin(t)) {
      throw ApiError.forbidden("(rule:create_network and (rule:create_network:shared and rule:create_network:router:external)) is disallowed by policy");
    }
    cloud.checkQuota(project, "network", Kind.NETWORK);
    Network n = new Network();
    n.id = Cloud.newId();
    n.name = Objects.requireNonNullElse(Json.text(in, "name"), "");
    n.projectId = project;
    n.shared = Boolean.TRUE.equals(shared);
    n.external = Boolean.TRUE.equals(external);
    if (Json.bool(in, "admin_state_up") != null) n.adminStateUp = Json.bool(in, "admin_state_up");
    if (Json.text(in, "description") != null) n.description = Json.text(in, "description");
    if (Json.integer(in, "mtu") != null) n.mtu = Json.integer(in, "mtu");
    if (Json.text(in, "provider:network_type") != null) n.networkType = Json.text(in, "provider:network_type");
    n.segmentationId = Json.integer(in, "provider:segmentation_id");
    if (n.segmentationId == null && n.networkType.equals("vxlan")) n.segmentationId = 1000 + cloud.networks.size();
    n.created = cloud.now();
    n.updated = n.created;
    cloud.networks.put(n.id, n);
    return Reply.json(201, Json.obj().set("network", network(n)));
  }

  private Reply updateNetwork(Call c) {
    Network n = network(c, c.param("id"));
    if (!owned(n.projectId, c.token())) throw ApiError.forbidden("Updating a network of another project is not allowed.");
    JsonNode in = Json.root(c.body(), "network");
    if (Json.text(in, "name") != null) n.name = Json.text(in, "name");
    if (Json.text(in, "description") != null) n.description = Json.text(in, "description");
    if (Json.bool(in, "admin_state_up") != null) n.adminStateUp = Json.bool(in, "admin_state_up");
    if (Json.bool(in, "shared") != null) {
      if (!Cloud.isAdmin(c.token())) throw ApiError.forbidden("(rule:update_network and rule:update_network:shared) is disallowed by policy");
      n.shared = Json.bool(in, "shared");
    }
    n.updated = cloud.now();
    return Reply.json(200, Json.obj().set("network", network(n)));
  }

  /** Neutron's rule: any port left on the network (router interfaces included) makes it in use; subnets go with it. */
  private Reply deleteNetwork(Call c) {
    Network n = network(c, c.param("id"));
    if (!owned(n.projectId, c.token())) throw ApiError.forbidden("Deleting a network of another project is not allowed.");
    if (cloud.ports.values().stream().anyMatch(p -> p.networkId.equals(n.id) && !"network:dhcp".equals(p.deviceOwner))) {
      throw ApiError.conflict("NetworkInUse", "Unable to complete operation on network " + n.id + ". There are one or more ports still in use on the network.");
    }
    cloud.ports.values().removeIf(p -> p.networkId.equals(n.id));
    cloud.subnets.values().removeIf(s -> s.networkId.equals(n.id));
    cloud.networks.remove(n.id);
    return Reply.empty(204);
  }

  private ObjectNode network(Network n) {
    ObjectNode o = Json.obj().put("id", n.id).put("name", n.name).put("status", "ACTIVE").put("admin_state_up", n.adminStateUp)
        .put("shared", n.shared).put("router:external", n.external).put("mtu", n.mtu).put("port_security_enabled", true)
        .put("provider:network_type", n.networkType).put("is_default", false);
    if (n.segmentationId == null) o.putNull("provider:segmentation_id");
    else o.put("provider:segmentation_id", n.segmentationId);
    if (n.networkType.equals("flat")) o.put("provider:physical_network", "public");
    else o.putNull("provider:physical_network");
    o.set("subnets", Json.strings(cloud.subnets.values().stream().filter(s -> s.networkId.equals(n.id)).map(s -> s.id).toList()));
    o.set("availability_zone_hints", Json.arr());
    o.set("availability_zones", Json.arr().add("nova"));
    standard(o, n.projectId, n.description, n.created, n.updated, n.tags);
    return o;
  }

  // ---------------------------------------------------------------- subnets

  private Subnet subnet(Call c, String id) {
    Subnet s = id == null ? null : cloud.subnets.get(id);
    if (s == null || !visibleSubnet(s, c.token())) throw ApiError.notFound("SubnetNotFound", "Subnet " + id + " could not be found.");
    return s;
  }

  private Reply createSubnet(Call c) {
    Token t = c.token();
    JsonNode in = Json.root(c.body(), "subnet");
    String networkId = Json.text(in, "network_id");
    if (networkId == null) throw ApiError.badRequest("Invalid input for operation: network_id is required.");
    Network net = network(c, networkId);
    String project = projectFor(in, t);
    if (!net.projectId.equals(project) && !Cloud.isAdmin(t)) throw ApiError.notFound("NetworkNotFound", "Network " + networkId + " could not be found.");
    Integer version = Json.integer(in, "ip_version");
    if (version != null && version != 4) throw ApiError.badRequest("The simulator allocates IPv4 only; ip_version " + version + " is not supported.");
    Ipv4Cidr cidr = Ipv4Cidr.parse(Json.text(in, "cidr"));
    if (cidr.prefix() < 8 || cidr.prefix() > 30) throw ApiError.badRequest("Invalid input for cidr. Reason: '" + cidr + "' is not a usable IPv4 subnet.");
    for (Subnet other : cloud.subnets.values()) {
      if (other.networkId.equals(net.id) && other.cidr.overlaps(cidr)) {
        throw ApiError.badRequest("Invalid input for operation: Requested subnet with cidr: " + cidr + " for network: " + net.id + " overlaps with another subnet.");
      }
    }
    cloud.checkQuota(project, "subnet", Kind.SUBNET);
    Subnet s = new Subnet();
    s.id = Cloud.newId();
    s.name = Objects.requireNonNullElse(Json.text(in, "name"), "");
    s.projectId = project;
    s.networkId = net.id;
    s.cidr = cidr;
    if (in.has("gateway_ip")) {
      s.gatewayIp = Json.text(in, "gateway_ip");
      if (s.gatewayIp != null && !cidr.contains(s.gatewayIp)) throw ApiError.badRequest("Invalid input for operation: Gateway IP " + s.gatewayIp + " is not in subnet " + cidr + ".");
    } else {
      s.gatewayIp = cidr.firstHost();
    }
    Boolean dhcp = Json.bool(in, "enable_dhcp");
    s.enableDhcp = dhcp == null || dhcp;
    s.dnsNameservers.addAll(Json.stringList(in, "dns_nameservers"));
    if (Json.text(in, "description") != null) s.description = Json.text(in, "description");
    JsonNode pools = in.get("allocation_pools");
    if (pools != null && pools.isArray() && !pools.isEmpty()) {
      for (JsonNode p : pools) {
        Pool pool = new Pool(Json.text(p, "start"), Json.text(p, "end"));
        if (!cidr.contains(pool.start()) || !cidr.contains(pool.end()) || Ipv4Cidr.toLong(pool.start()) > Ipv4Cidr.toLong(pool.end())) {
          throw ApiError.badRequest("Invalid input for operation: The allocation pool " + pool.start() + "-" + pool.end() + " spans beyond the subnet cidr " + cidr + ".");
        }
        s.pools.add(pool);
      }
    } else {
      long first = cidr.network() + 1;
      if (s.gatewayIp != null && Ipv4Cidr.toLong(s.gatewayIp) == first) first++;
      s.pools.add(new Pool(Ipv4Cidr.toString(first), Ipv4Cidr.toString(cidr.broadcast() - 1)));
    }
    s.created = cloud.now();
    s.updated = s.created;
    cloud.subnets.put(s.id, s);
    return Reply.json(201, Json.obj().set("subnet", subnet(s)));
  }

  private Reply updateSubnet(Call c) {
    Subnet s = subnet(c, c.param("id"));
    if (!owned(s.projectId, c.token())) throw ApiError.forbidden("Updating a subnet of another project is not allowed.");
    JsonNode in = Json.root(c.body(), "subnet");
    if (Json.text(in, "name") != null) s.name = Json.text(in, "name");
    if (Json.text(in, "description") != null) s.description = Json.text(in, "description");
    if (Json.bool(in, "enable_dhcp") != null) s.enableDhcp = Json.bool(in, "enable_dhcp");
    if (in.has("dns_nameservers")) {
      s.dnsNameservers.clear();
      s.dnsNameservers.addAll(Json.stringList(in, "dns_nameservers"));
    }
    s.updated = cloud.now();
    return Reply.json(200, Json.obj().set("subnet", subnet(s)));
  }

  private Reply deleteSubnet(Call c) {
    Subnet s = subnet(c, c.param("id"));
    if (!owned(s.projectId, c.token())) throw ApiError.forbidden("Deleting a subnet of another project is not allowed.");
    if (cloud.ports.values().stream().anyMatch(p -> !"network:dhcp".equals(p.deviceOwner) && p.fixedIps.stream().anyMatch(f -> f.subnetId().equals(s.id)))) {
      throw ApiError.conflict("SubnetInUse", "Unable to complete operation on subnet " + s.id + ": One or more ports have an IP allocation from this subnet.");
    }
    cloud.subnets.remove(s.id);
    return Reply.empty(204);
  }

  private ObjectNode subnet(Subnet s) {
    ObjectNode o = Json.obj().put("id", s.id).put("name", s.name).put("network_id", s.networkId).put("ip_version", 4)
        .put("cidr", s.cidr.toString()).put("enable_dhcp", s.enableDhcp).putNull("ipv6_address_mode").putNull("ipv6_ra_mode")
        .putNull("subnetpool_id");
    if (s.gatewayIp == null) o.putNull("gateway_ip");
    else o.put("gateway_ip", s.gatewayIp);
    ArrayNode pools = Json.arr();
    s.pools.forEach(p -> pools.add(Json.obj().put("start", p.start()).put("end", p.end())));
    o.set("allocation_pools", pools);
    o.set("dns_nameservers", Json.strings(s.dnsNameservers));
    o.set("host_routes", Json.arr());
    o.set("service_types", Json.arr());
    standard(o, s.projectId, s.description, s.created, s.updated, s.tags);
    return o;
  }

  // ---------------------------------------------------------------- ports

  private Port port(Call c, String id) {
    Port p = id == null ? null : cloud.ports.get(id);
    if (p == null || !owned(p.projectId, c.token())) throw ApiError.notFound("PortNotFound", "Port " + id + " could not be found.");
    return p;
  }

  private Reply createPort(Call c) {
    Token t = c.token();
    JsonNode in = Json.root(c.body(), "port");
    Network net = network(c, Json.text(in, "network_id"));
    String project = projectFor(in, t);
    if (!net.projectId.equals(project) && !net.shared && !Cloud.isAdmin(t)) {
      throw ApiError.forbidden("Tenant " + project + " not allowed to create port on this network");
    }
    List<IpRequest> ips = new ArrayList<>();
    JsonNode fixed = in.get("fixed_ips");
    if (fixed != null && fixed.isArray()) fixed.forEach(f -> ips.add(new IpRequest(Json.text(f, "subnet_id"), Json.text(f, "ip_address"))));
    List<String> groups = securityGroupIds(project, in);
    Port p = cloud.createPort(project, net, ips, Json.text(in, "name"), Json.text(in, "device_id"), Json.text(in, "device_owner"), groups);
    if (Json.text(in, "mac_address") != null) p.macAddress = Json.text(in, "mac_address");
    if (Json.bool(in, "admin_state_up") != null) p.adminStateUp = Json.bool(in, "admin_state_up");
    if (Json.bool(in, "port_security_enabled") != null) p.portSecurityEnabled = Json.bool(in, "port_security_enabled");
    if (Json.text(in, "description") != null) p.description = Json.text(in, "description");
    p.hostId = Json.text(in, "binding:host_id");
    return Reply.json(201, Json.obj().set("port", port(p)));
  }

  /** The port's security groups: those named, or the project's default one as Neutron applies it. */
  private List<String> securityGroupIds(String project, JsonNode in) {
    if (Boolean.FALSE.equals(Json.bool(in, "port_security_enabled"))) return List.of();
    if (!in.has("security_groups") || in.get("security_groups").isNull()) return List.of(cloud.ensureDefaultSecurityGroup(project).id);
    List<String> ids = new ArrayList<>();
    for (String id : Json.stringList(in, "security_groups")) {
      SecurityGroup g = cloud.securityGroups.get(id);
      if (g == null || !g.projectId.equals(project)) throw ApiError.notFound("SecurityGroupNotFound", "Security group " + id + " does not exist");
      ids.add(id);
    }
    return ids;
  }

  private Reply updatePort(Call c) {
    Port p = port(c, c.param("id"));
    JsonNode in = Json.root(c.body(), "port");
    if (Json.text(in, "name") != null) p.name = Json.text(in, "name");
    if (Json.text(in, "description") != null) p.description = Json.text(in, "description");
    if (in.has("device_id")) p.deviceId = Objects.requireNonNullElse(Json.text(in, "device_id"), "");
    if (in.has("device_owner")) p.deviceOwner = Objects.requireNonNullElse(Json.text(in, "device_owner"), "");
    if (Json.bool(in, "admin_state_up") != null) p.adminStateUp = Json.bool(in, "admin_state_up");
    if (in.has("security_groups")) {
      p.securityGroups.clear();
      p.securityGroups.addAll(securityGroupIds(p.projectId, in));
    }
    p.status = p.deviceOwner.isEmpty() ? "DOWN" : "ACTIVE";
    p.updated = cloud.now();
    return Reply.json(200, Json.obj().set("port", port(p)));
  }

  private Reply deletePort(Call c) {
    Port p = port(c, c.param("id"));
    if (p.deviceOwner.equals("network:router_interface") || p.deviceOwner.equals("network:router_gateway")) {
      throw ApiError.conflict("PortInUse", "Port " + p.id + " cannot be deleted directly via the port API: has device owner " + p.deviceOwner + ".");
    }
    cloud.ports.remove(p.id);
    cloud.servers.values().forEach(s -> {
      s.portIds.remove(p.id);
      s.novaPorts.remove(p.id);
    });
    return Reply.empty(204);
  }

  private ObjectNode port(Port p) {
    ObjectNode o = Json.obj().put("id", p.id).put("name", p.name).put("network_id", p.networkId).put("mac_address", p.macAddress)
        .put("admin_state_up", p.adminStateUp).put("status", p.status).put("device_id", p.deviceId).put("device_owner", p.deviceOwner)
        .put("port_security_enabled", p.portSecurityEnabled).put("binding:vnic_type", "normal")
        .put("binding:vif_type", p.hostId == null ? "unbound" : "ovs").put("binding:host_id", Objects.requireNonNullElse(p.hostId, ""));
    ArrayNode ips = Json.arr();
    p.fixedIps.forEach(f -> ips.add(Json.obj().put("subnet_id", f.subnetId()).put("ip_address", f.ipAddress())));
    o.set("fixed_ips", ips);
    o.set("security_groups", Json.strings(p.securityGroups));
    o.set("allowed_address_pairs", Json.arr());
    o.set("extra_dhcp_opts", Json.arr());
    o.set("binding:vif_details", Json.obj());
    o.set("binding:profile", Json.obj());
    standard(o, p.projectId, p.description, p.created, p.updated, p.tags);
    return o;
  }

  // ---------------------------------------------------------------- routers

  private Router router(Call c, String id) {
    Router r = id == null ? null : cloud.routers.get(id);
    if (r == null || !owned(r.projectId, c.token())) throw ApiError.notFound("RouterNotFound", "Router " + id + " could not be found");
    return r;
  }

  private Reply createRouter(Call c) {
    Token t = c.token();
    JsonNode in = Json.root(c.body(), "router");
    String project = projectFor(in, t);
    cloud.checkQuota(project, "router", Kind.ROUTER);
    Router r = new Router();
    r.id = Cloud.newId();
    r.name = Objects.requireNonNullElse(Json.text(in, "name"), "");
    r.projectId = project;
    if (Json.bool(in, "admin_state_up") != null) r.adminStateUp = Json.bool(in, "admin_state_up");
    if (Json.text(in, "description") != null) r.description = Json.text(in, "description");
    r.created = cloud.now();
    r.updated = r.created;
    setGateway(r, in.get("external_gateway_info"), c);
    cloud.routers.put(r.id, r);
    return Reply.json(201, Json.obj().set("router", router(r)));
  }

  /** Sets or clears the gateway; the gateway port on the external network has no project, as in Neutron. */
  private void setGateway(Router r, JsonNode info, Call c) {
    if (info == null || info.isNull() || info.isEmpty() || Json.text(info, "network_id") == null) {
      if (r.gatewayPortId != null) cloud.ports.remove(r.gatewayPortId);
      r.gatewayPortId = null;
      r.gatewayNetworkId = null;
      return;
    }
    Network ext = network(c, Json.text(info, "network_id"));
    if (!ext.external) throw ApiError.badRequest("Bad router request: Network " + ext.id + " is not a valid external network.");
    if (ext.id.equals(r.gatewayNetworkId)) {
      if (Json.bool(info, "enable_snat") != null) r.enableSnat = Json.bool(info, "enable_snat");
      return;
    }
    if (cloud.subnets.values().stream().noneMatch(s -> s.networkId.equals(ext.id))) {
      throw ApiError.badRequest("Bad router request: No subnets defined on the external network " + ext.id + ".");
    }
    if (r.gatewayPortId != null) cloud.ports.remove(r.gatewayPortId);
    Port gw = cloud.createPort("", ext, List.of(), "", r.id, "network:router_gateway", List.of());
    r.gatewayPortId = gw.id;
    r.gatewayNetworkId = ext.id;
    Boolean snat = Json.bool(info, "enable_snat");
    r.enableSnat = snat == null || snat;
  }

  private Reply updateRouter(Call c) {
    Router r = router(c, c.param("id"));
    JsonNode in = Json.root(c.body(), "router");
    if (Json.text(in, "name") != null) r.name = Json.text(in, "name");
    if (Json.text(in, "description") != null) r.description = Json.text(in, "description");
    if (Json.bool(in, "admin_state_up") != null) r.adminStateUp = Json.bool(in, "admin_state_up");
    if (in.has("external_gateway_info")) setGateway(r, in.get("external_gateway_info"), c);
    r.updated = cloud.now();
    return Reply.json(200, Json.obj().set("router", router(r)));
  }

  private Reply deleteRouter(Call c) {
    Router r = router(c, c.param("id"));
    if (cloud.ports.values().stream().anyMatch(p -> p.deviceId.equals(r.id) && p.deviceOwner.equals("network:router_interface"))) {
      throw ApiError.conflict("RouterInUse", "Router " + r.id + " still has ports");
    }
    if (r.gatewayPortId != null) cloud.ports.remove(r.gatewayPortId);
    cloud.routers.remove(r.id);
    return Reply.empty(204);
  }

  private Reply addInterface(Call c) {
    Router r = router(c, c.param("id"));
    JsonNode in = c.body();
    String subnetId = Json.text(in, "subnet_id");
    String portId = Json.text(in, "port_id");
    if ((subnetId == null) == (portId == null)) throw ApiError.badRequest("Bad router request: Either subnet_id or port_id must be specified.");
    Port p;
    if (subnetId != null) {
      Subnet s = subnet(c, subnetId);
      if (s.gatewayIp == null) throw ApiError.badRequest("Bad router request: Subnet for router interface must have a gateway IP.");
      if (interfacePorts(r).stream().anyMatch(x -> x.fixedIps.stream().anyMatch(f -> f.subnetId().equals(s.id)))) {
        throw ApiError.badRequest("Bad router request: Router already has a port on subnet " + s.id + ".");
      }
      if (cloud.ipInUse(s.id, s.gatewayIp)) throw ApiError.conflict("IpAddressInUse", "Unable to complete operation for network " + s.networkId + ". The IP address " + s.gatewayIp + " is in use.");
      p = cloud.createPort(r.projectId, cloud.networks.get(s.networkId), List.of(new IpRequest(s.id, s.gatewayIp)), "", r.id, "network:router_interface", List.of());
    } else {
      p = port(c, portId);
      if (!p.deviceId.isEmpty()) throw ApiError.conflict("PortInUse", "Unable to complete operation on port " + p.id + " for network " + p.networkId + ". Port already has an attached device " + p.deviceId + ".");
      if (p.fixedIps.isEmpty()) throw ApiError.badRequest("Bad router request: Router port must have at least one fixed IP.");
      p.deviceId = r.id;
      p.deviceOwner = "network:router_interface";
      p.status = "ACTIVE";
      p.securityGroups.clear();
    }
    return Reply.json(200, routerInterface(r, p));
  }

  private Reply removeInterface(Call c) {
    Router r = router(c, c.param("id"));
    String subnetId = Json.text(c.body(), "subnet_id");
    String portId = Json.text(c.body(), "port_id");
    if ((subnetId == null) == (portId == null)) throw ApiError.badRequest("Bad router request: Either subnet_id or port_id must be specified.");
    Port p = interfacePorts(r).stream()
        .filter(x -> portId != null ? x.id.equals(portId) : x.fixedIps.stream().anyMatch(f -> f.subnetId().equals(subnetId)))
        .findFirst()
        .orElseThrow(() -> portId != null
            ? ApiError.notFound("RouterInterfaceNotFound", "Router " + r.id + " does not have an interface with id " + portId)
            : ApiError.notFound("RouterInterfaceNotFoundForSubnet", "Router " + r.id + " has no interface on subnet " + subnetId));
    cloud.ports.remove(p.id);
    return Reply.json(200, routerInterface(r, p));
  }

  private List<Port> interfacePorts(Router r) {
    return Cloud.filter(cloud.ports.values(), p -> p.deviceId.equals(r.id) && p.deviceOwner.equals("network:router_interface"));
  }

  private static ObjectNode routerInterface(Router r, Port p) {
    ObjectNode o = Json.obj().put("id", r.id).put("tenant_id", r.projectId).put("project_id", r.projectId).put("port_id", p.id)
        .put("network_id", p.networkId).put("subnet_id", p.fixedIps.isEmpty() ? null : p.fixedIps.getFirst().subnetId());
    o.set("subnet_ids", Json.strings(p.fixedIps.stream().map(FixedIp::subnetId).toList()));
    o.set("tags", Json.arr());
    return o;
  }

  private ObjectNode router(Router r) {
    ObjectNode o = Json.obj().put("id", r.id).put("name", r.name).put("status", "ACTIVE").put("admin_state_up", r.adminStateUp)
        .put("distributed", false).put("ha", false);
    if (r.gatewayNetworkId == null) o.putNull("external_gateway_info");
    else {
      ObjectNode gw = Json.obj().put("network_id", r.gatewayNetworkId).put("enable_snat", r.enableSnat);
      ArrayNode ips = Json.arr();
      Port port = cloud.ports.get(r.gatewayPortId);
      if (port != null) port.fixedIps.forEach(f -> ips.add(Json.obj().put("subnet_id", f.subnetId()).put("ip_address", f.ipAddress())));
      gw.set("external_fixed_ips", ips);
      o.set("external_gateway_info", gw);
    }
    o.set("routes", Json.arr());
    o.set("availability_zone_hints", Json.arr());
    o.set("availability_zones", Json.arr().add("nova"));
    standard(o, r.projectId, r.description, r.created, r.updated, r.tags);
    return o;
  }

  // ---------------------------------------------------------------- security groups

  private SecurityGroup securityGroup(Call c, String id) {
    SecurityGroup g = id == null ? null : cloud.securityGroups.get(id);
    if (g == null || !owned(g.projectId, c.token())) throw ApiError.notFound("SecurityGroupNotFound", "Security group " + id + " does not exist");
    return g;
  }

  /** Like Neutron, a new group comes with two egress rules (IPv4 and IPv6, any destination). */
  private Reply createSecurityGroup(Call c) {
    JsonNode in = Json.root(c.body(), "security_group");
    String project = projectFor(in, c.token());
    String name = Objects.requireNonNullElse(Json.text(in, "name"), "");
    if (name.equals("default")) throw ApiError.conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists.");
    cloud.checkQuota(project, "security_group", Kind.SECURITY_GROUP);
    SecurityGroup g = new SecurityGroup();
    g.id = Cloud.newId();
    g.name = name;
    g.projectId = project;
    if (Json.text(in, "description") != null) g.description = Json.text(in, "description");
    g.created = cloud.now();
    g.updated = g.created;
    cloud.securityGroups.put(g.id, g);
    cloud.addRule(g, "egress", "IPv4", null, null, null, null, null);
    cloud.addRule(g, "egress", "IPv6", null, null, null, null, null);
    return Reply.json(201, Json.obj().set("security_group", securityGroup(g)));
  }

  private Reply updateSecurityGroup(Call c) {
    SecurityGroup g = securityGroup(c, c.param("id"));
    JsonNode in = Json.root(c.body(), "security_group");
    if (Json.text(in, "name") != null) {
      if (g.name.equals("default") && !Json.text(in, "name").equals("default")) throw ApiError.conflict("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.");
      g.name = Json.text(in, "name");
    }
    if (Json.text(in, "description") != null) g.description = Json.text(in, "description");
    g.updated = cloud.now();
    return Reply.json(200, Json.obj().set("security_group", securityGroup(g)));
  }

  private Reply deleteSecurityGroup(Call c) {
    SecurityGroup g = securityGroup(c, c.param("id"));
    if (g.name.equals("default") && !Cloud.isAdmin(c.token())) throw ApiError.conflict("SecurityGroupCannotRemoveDefault", "Removing default security group not allowed.");
    if (cloud.ports.values().stream().anyMatch(p -> p.securityGroups.contains(g.id))) {
      throw ApiError.conflict("SecurityGroupInUse", "Security Group " + g.id + " in use.");
    }
    cloud.rules.values().removeIf(r -> r.groupId.equals(g.id));
    cloud.securityGroups.remove(g.id);
    return Reply.empty(204);
  }

  private ObjectNode securityGroup(SecurityGroup g) {
    ObjectNode o = Json.obj().put("id", g.id).put("name", g.name).put("stateful", true).put("shared", false);
    ArrayNode list = Json.arr();
    cloud.rules.values().stream().filter(r -> r.groupId.equals(g.id)).forEach(r -> list.add(rule(r)));
    o.set("security_group_rules", list);
    standard(o, g.projectId, g.description, g.created, g.updated, g.tags);
    return o;
  }

  private Rule rule(Call c) {
    Rule r = cloud.rules.get(c.param("id"));
    if (r == null || !owned(r.projectId, c.token())) throw ApiError.notFound("SecurityGroupRuleNotFound", "Security group rule " + c.param("id") + " does not exist");
    return r;
  }

  private Reply createRule(Call c) {
    JsonNode in = Json.root(c.body(), "security_group_rule");
    SecurityGroup g = securityGroup(c, Json.text(in, "security_group_id"));
    String direction = Json.text(in, "direction");
    if (!"ingress".equals(direction) && !"egress".equals(direction)) throw ApiError.badRequest("Invalid input for direction. Reason: " + direction + " is not in valid_values.");
    String ethertype = Objects.requireNonNullElse(Json.text(in, "ethertype"), "IPv4");
    if (!ethertype.equals("IPv4") && !ethertype.equals("IPv6")) throw ApiError.badRequest("Invalid input for ethertype. Reason: " + ethertype + " is not in valid_values.");
    String protocol = Json.text(in, "protocol");
    if (protocol != null && !protocol.matches("tcp|udp|icmp|icmpv6|any|\\d{1,3}")) throw ApiError.badRequest("Security group rule protocol " + protocol + " not supported.");
    Integer min = Json.integer(in, "port_range_min");
    Integer max = Json.integer(in, "port_range_max");
    if (("tcp".equals(protocol) || "udp".equals(protocol)) && min != null && max != null && min > max) {
      throw ApiError.badRequest("For TCP/UDP protocols, port_range_min must be <= port_range_max");
    }
    if (protocol == null && (min != null || max != null)) throw ApiError.badRequest("Must also specify protocol if port range is given.");
    String prefix = Json.text(in, "remote_ip_prefix");
    if (prefix != null && ethertype.equals("IPv4")) Ipv4Cidr.parse(prefix.contains("/") ? prefix : prefix + "/32");
    String remoteGroup = Json.text(in, "remote_group_id");
    if (remoteGroup != null && !cloud.securityGroups.containsKey(remoteGroup)) throw ApiError.notFound("SecurityGroupNotFound", "Security group " + remoteGroup + " does not exist");
    if (prefix != null && remoteGroup != null) throw ApiError.badRequest("Only remote_ip_prefix or remote_group_id may be provided.");
    for (Rule r : cloud.rules.values()) {
      if (r.groupId.equals(g.id) && r.direction.equals(direction) && r.ethertype.equals(ethertype) && Objects.equals(r.protocol, protocol)
          && Objects.equals(r.portMin, min) && Objects.equals(r.portMax, max) && Objects.equals(r.remoteIpPrefix, prefix)
          && Objects.equals(r.remoteGroupId, remoteGroup)) {
        throw ApiError.conflict("SecurityGroupRuleExists", "Security group rule already exists. Rule id is " + r.id + ".");
      }
    }
    cloud.checkQuota(g.projectId, "security_group_rule", Kind.SECURITY_GROUP_RULE);
    Rule r = cloud.addRule(g, direction, ethertype, protocol, min, max, prefix, remoteGroup);
    if (Json.text(in, "description") != null) r.description = Json.text(in, "description");
    return Reply.json(201, Json.obj().set("security_group_rule", rule(r)));
  }

  private Reply deleteRule(Call c) {
    cloud.rules.remove(rule(c).id);
    return Reply.empty(204);
  }

  private static ObjectNode rule(Rule r) {
    ObjectNode o = Json.obj().put("id", r.id).put("security_group_id", r.groupId).put("direction", r.direction).put("ethertype", r.ethertype)
        .put("protocol", r.protocol).put("remote_ip_prefix", r.remoteIpPrefix).put("remote_group_id", r.remoteGroupId)
        .put("tenant_id", r.projectId).put("project_id", r.projectId).put("description", r.description)
        .put("created_at", Json.seconds(r.created)).put("updated_at", Json.seconds(r.created)).put("revision_number", 0);
    if (r.portMin == null) o.putNull("port_range_min");
    else o.put("port_range_min", r.portMin);
    if (r.portMax == null) o.putNull("port_range_max");
    else o.put("port_range_max", r.portMax);
    return o;
  }

  // ---------------------------------------------------------------- quotas

  private Reply listQuotas(Call c) {
    if (!Cloud.isAdmin(c.token())) throw ApiError.forbidden("rule:get_quota is disallowed by policy");
    ArrayNode list = Json.arr();
    cloud.neutronQuotas.keySet().forEach(p -> list.add(quota(cloud.neutronQuota(p)).put("tenant_id", p).put("project_id", p)));
    return Reply.json(200, Json.obj().set("quotas", list));
  }

  private Reply getQuota(Call c) {
    String project = c.param("project");
    if (!Cloud.isAdmin(c.token()) && !project.equals(c.token().projectId)) throw ApiError.forbidden("rule:get_quota is disallowed by policy");
    return Reply.json(200, Json.obj().set("quota", quota(cloud.neutronQuota(project))));
  }

  private Reply updateQuota(Call c) {
    if (!Cloud.isAdmin(c.token())) throw ApiError.forbidden("rule:update_quota is disallowed by policy");
    JsonNode in = Json.root(c.body(), "quota");
    Map<String, Integer> changes = new LinkedHashMap<>();
    for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!Cloud.NEUTRON_DEFAULT_QUOTAS.containsKey(key)) throw ApiError.badRequest("Unrecognized attribute(s) '" + key + "'");
      Integer v = Json.integer(in, key);
      if (v == null || v < -1) throw ApiError.badRequest("Invalid input for " + key + ". Reason: '" + in.get(key) + "' should be an integer >= -1.");
      changes.put(key, v);
    }
    cloud.neutronQuotas.computeIfAbsent(c.param("project"), p -> new HashMap<>()).putAll(changes);
    return Reply.json(200, Json.obj().set("quota", quota(cloud.neutronQuota(c.param("project")))));
  }

  private Reply resetQuota(Call c) {
    if (!Cloud.isAdmin(c.token())) throw ApiError.forbidden("rule:delete_quota is disallowed by policy");
    cloud.neutronQuotas.remove(c.param("project"));
    return Reply.empty(204);
  }

  private static ObjectNode quota(Map<String, Integer> values) {
    ObjectNode o = Json.obj();
    values.forEach(o::put);
    return o;
  }

  // ---------------------------------------------------------------- tags

  private List<String> tags(Call c) {
    String resource = c.param("resource");
    if (!TAGGABLE.contains(resource)) throw ApiError.notFound("NotFound", "The resource could not be found.");
    String id = c.param("id");
    return switch (resource) {
      case "networks" -> {
        Network n = network(c, id);
        if (!owned(n.projectId, c.token())) throw ApiError.forbidden("Tagging a network of another project is not allowed.");
        yield n.tags;
      }
      case "subnets" -> subnet(c, id).tags;
      case "ports" -> port(c, id).tags;
      case "routers" -> router(c, id).tags;
      default -> securityGroup(c, id).tags;
    };
  }

  private Reply replaceTags(Call c) {
    List<String> tags = tags(c);
    List<String> wanted = Json.stringList(c.body(), "tags");
    wanted.forEach(NeutronApi::checkTagValue);
    tags.clear();
    wanted.stream().distinct().forEach(tags::add);
    return Reply.json(200, Json.obj().set("tags", Json.strings(tags)));
  }

  private Reply checkTag(Call c) {
    if (!tags(c).contains(c.param("tag"))) throw ApiError.notFound("TagNotFound", "Tag " + c.param("tag") + " could not be found.");
    return Reply.empty(204);
  }

  private Reply addTag(Call c) {
    List<String> tags = tags(c);
    checkTagValue(c.param("tag"));
    if (!tags.contains(c.param("tag"))) tags.add(c.param("tag"));
    return Reply.empty(201);
  }

  private Reply removeTag(Call c) {
    if (!tags(c).remove(c.param("tag"))) throw ApiError.notFound("TagNotFound", "Tag " + c.param("tag") + " could not be found.");
    return Reply.empty(204);
  }

  private static void checkTagValue(String tag) {
    if (tag == null || tag.isEmpty() || tag.length() > 255 || tag.contains(",")) throw ApiError.badRequest("Invalid input for tags. Reason: '" + tag + "' is not a valid tag.");
  }
}

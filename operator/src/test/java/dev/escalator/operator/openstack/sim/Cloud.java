package dev.escalator.operator.openstack.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The simulated cloud's whole state: Keystone's projects, users, roles and tokens, Nova's servers
 * and groups, Neutron's networks and ports, Glance's images. Every handler runs under {@link #lock},
 * so the state needs no finer synchronisation; the lock is a {@link ReentrantLock} so virtual
 * threads wait on it without pinning their carrier.
 *
 * <p>Server status is settled lazily: a transition (BUILD, REBOOT, REBUILD, stop, start) completes
 * at the first read at or after its ready time on the simulator's clock. With no delay that is the
 * next GET; with a delay, tests move the clock.
 */
final class Cloud {
  static final String DOMAIN_ID = "default";
  static final String DOMAIN_NAME = "Default";
  static final String ADMIN_ROLE = "admin";
  static final String MEMBER_ROLE = "member";
  static final String READER_ROLE = "reader";

  final ReentrantLock lock = new ReentrantLock();
  final Clock clock;

  final Map<String, Project> projects = new LinkedHashMap<>();
  final Map<String, User> users = new LinkedHashMap<>();
  final Map<String, Role> roles = new LinkedHashMap<>();
  final Set<Assignment> assignments = new LinkedHashSet<>();
  final Map<String, Token> tokens = new HashMap<>();
  Duration tokenLifetime = Duration.ofHours(1);

  final Map<String, Flavor> flavors = new LinkedHashMap<>();
  final Map<String, Server> servers = new LinkedHashMap<>();
  final Map<String, ServerGroup> serverGroups = new LinkedHashMap<>();
  final Map<String, Keypair> keypairs = new LinkedHashMap<>();
  final Map<String, Map<String, Integer>> novaQuotas = new HashMap<>();
  final List<String> hosts = new ArrayList<>(List.of("sim-compute-1", "sim-compute-2", "sim-compute-3"));
  Duration buildDelay = Duration.ZERO;
  Duration actionDelay = Duration.ZERO;
  int failNextBuilds;
  String failBuildMessage;

  final Map<String, Network> networks = new LinkedHashMap<>();
  final Map<String, Subnet> subnets = new LinkedHashMap<>();
  final Map<String, Port> ports = new LinkedHashMap<>();
  final Map<String, Router> routers = new LinkedHashMap<>();
  final Map<String, SecurityGroup> securityGroups = new LinkedHashMap<>();
  final Map<String, Rule> rules = new LinkedHashMap<>();
  final Map<String, Map<String, Integer>> neutronQuotas = new HashMap<>();

  final Map<String, Image> images = new LinkedHashMap<>();

  private long macCounter;

  Cloud(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Instant now() {
    return clock.instant();
  }

  static String newId() {
    return UUID.randomUUID().toString();
  }

  // ---------------------------------------------------------------- identity

  static final class Project {
    String id;
    String name;
    String domainId = DOMAIN_ID;
    String description = "";
    boolean enabled = true;
    List<String> tags = new ArrayList<>();
  }

  static final class User {
    String id;
    String name;
    String domainId = DOMAIN_ID;
    String password;
    String email;
    String description;
    String defaultProjectId;
    boolean enabled = true;
  }

  record Role(String id, String name) {}

  record Assignment(String projectId, String userId, String roleId) {}

  static final class Token {
    String id;
    String userId;
    String projectId;
    List<String> methods;
    String auditId;
    Instant issuedAt;
    Instant expiresAt;
    List<Role> roles;
  }

  Project addProject(String name, String description) {
    Project p = new Project();
    p.id = newId().replace("-", "");
    p.name = name;
    p.description = description == null ? "" : description;
    projects.put(p.id, p);
    return p;
  }

  User addUser(String name, String password, String defaultProjectId) {
    User u = new User();
    u.id = newId().replace("-", "");
    u.name = name;
    u.password = password;
    u.defaultProjectId = defaultProjectId;
    users.put(u.id, u);
    return u;
  }

  Role addRole(String name) {
    Role r = new Role(newId().replace("-", ""), name);
    roles.put(r.id(), r);
    return r;
  }

  Role roleNamed(String name) {
    return roles.values().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  Project projectNamed(String name, String domainId) {
    return projects.values().stream().filter(p -> p.name.equals(name) && p.domainId.equals(domainId)).findFirst().orElse(null);
  }

  User userNamed(String name, String domainId) {
    return users.values().stream().filter(u -> u.name.equals(name) && u.domainId.equals(domainId)).findFirst().orElse(null);
  }

  List<Role> rolesOn(String userId, String projectId) {
    List<Role> out = new ArrayList<>();
    for (Assignment a : assignments) {
      if (a.userId().equals(userId) && a.projectId().equals(projectId) && roles.containsKey(a.roleId())) out.add(roles.get(a.roleId()));
    }
    // Keystone's implied roles: admin implies member, member implies reader.
    Set<String> names = new LinkedHashSet<>(out.stream().map(Role::name).toList());
    if (names.contains(ADMIN_ROLE)) names.add(MEMBER_ROLE);
    if (names.contains(MEMBER_ROLE)) names.add(READER_ROLE);
    List<Role> implied = new ArrayList<>(out);
    for (String n : names) {
      Role r = roleNamed(n);
      if (r != null && !implied.contains(r)) implied.add(r);
    }
    return implied;
  }

  Token issueToken(User user, Project project, List<String> methods) {
    Token t = new Token();
    t.id = "gAAAAA" + newId().replace("-", "") + newId().replace("-", "");
    t.userId = user.id;
    t.projectId = project == null ? null : project.id;
    t.methods = List.copyOf(methods);
    t.auditId = newId().replace("-", "").substring(0, 22);
    t.issuedAt = now();
    t.expiresAt = t.issuedAt.plus(tokenLifetime);
    t.roles = project == null ? List.of() : rolesOn(user.id, project.id);
    tokens.put(t.id, t);
    return t;
  }

  /** The token if it exists, has not expired, and its user and project still exist; else null. */
  Token validToken(String id) {
    if (id == null) return null;
    Token t = tokens.get(id);
    if (t == null) return null;
    if (!now().isBefore(t.expiresAt) || !users.containsKey(t.userId) || (t.projectId != null && !projects.containsKey(t.projectId))) {
      tokens.remove(id);
      return null;
    }
    return t;
  }

  /** Keystone's default policy: the admin role on any project makes a cloud admin. */
  static boolean isAdmin(Token t) {
    return t != null && t.roles.stream().anyMatch(r -> r.name().equals(ADMIN_ROLE));
  }

  // ---------------------------------------------------------------- compute

  record Flavor(String id, String name, int ram, int vcpus, int disk) {}

  static final class Server {
    String id;
    String name;
    String projectId;
    String userId;
    String flavorId;
    String imageId;
    String keyName;
    String userData;
    Map<String, String> metadata = new TreeMap<>();
    List<String> securityGroups = new ArrayList<>();
    String groupId;
    String host;
    String status;
    String taskState;
    String vmState;
    int powerState;
    Instant created;
    Instant updated;
    Instant launchedAt;
    /** The status a transition in progress ends in, or null when none is. */
    String pendingStatus;
    String pendingFault;
    Instant readyAt;
    String faultMessage;
    int faultCode;
    Instant faultAt;
    /** Ports in NIC order; {@link #novaPorts} those Nova created and so deletes with the server. */
    List<String> portIds = new ArrayList<>();
    Set<String> novaPorts = new LinkedHashSet<>();
  }

  static final class ServerGroup {
    String id;
    String name;
    String projectId;
    String userId;
    List<String> policies = new ArrayList<>();
    List<String> members = new ArrayList<>();
  }

  static final class Keypair {
    String name;
    String userId;
    String publicKey;
    String fingerprint;
    String type = "ssh";
    Instant created;
  }

  static final Map<String, Integer> NOVA_DEFAULT_QUOTAS = defaults(
      "instances", 10, "cores", 20, "ram", 51200, "key_pairs", 100, "metadata_items", 128,
      "server_groups", 10, "server_group_members", 10, "injected_files", 5,
      "injected_file_content_bytes", 10240, "injected_file_path_bytes", 255,
      "floating_ips", 10, "fixed_ips", -1, "security_groups", 10, "security_group_rules", 20);

  Map<String, Integer> novaQuota(String projectId) {
    Map<String, Integer> q = new LinkedHashMap<>(NOVA_DEFAULT_QUOTAS);
    q.putAll(novaQuotas.getOrDefault(projectId, Map.of()));
    return q;
  }

  /** Completes a server's transition once the clock has reached its ready time. */
  void settle(Server s) {
    if (s.pendingStatus == null || now().isBefore(s.readyAt)) return;
    switch (s.pendingStatus) {
      case "ERROR" -> {
        fail(s, s.pendingFault, 500);
        // A build that fails gives back the ports Nova allocated for it, leaving the server record.
        if (s.launchedAt == null) releasePorts(s);
      }
      case "SHUTOFF" -> {
        s.status = "SHUTOFF";
        s.vmState = "stopped";
        s.powerState = 4;
        s.taskState = null;
      }
      default -> {
        s.status = s.pendingStatus;
        s.vmState = "active";
        s.powerState = 1;
        s.taskState = null;
        if (s.launchedAt == null) s.launchedAt = now();
      }
    }
    s.updated = now();
    s.pendingStatus = null;
    s.pendingFault = null;
  }

  /** Starts a transition to {@code target}, complete at the first look once {@code delay} has passed. */
  void transition(Server s, String status, String taskState, String target, Duration delay) {
    s.status = status;
    s.taskState = taskState;
    s.pendingStatus = target;
    s.readyAt = now().plus(delay);
    s.updated = now();
  }

  /** Puts a server in ERROR with a fault, as Nova does after a failed build or a dead hypervisor. */
  void fail(Server s, String message, int code) {
    s.status = "ERROR";
    s.vmState = "error";
    s.taskState = null;
    s.powerState = 0;
    s.faultMessage = message;
    s.faultCode = code;
    s.faultAt = now();
    s.pendingStatus = null;
    s.updated = now();
  }

  /** Removes a server: deletes the ports Nova made for it, unbinds the ports it was given. */
  void removeServer(Server s) {
    servers.remove(s.id);
    releasePorts(s);
    for (ServerGroup g : serverGroups.values()) g.members.remove(s.id);
  }

  /** What Nova does with a server's ports when its build fails or it is deleted. */
  void releasePorts(Server s) {
    for (String portId : s.portIds) {
      Port p = ports.get(portId);
      if (p == null) continue;
      if (s.novaPorts.contains(portId)) ports.remove(portId);
      else {
        p.deviceId = "";
        p.deviceOwner = "";
        p.hostId = null;
        p.status = "DOWN";
      }
    }
    s.portIds.clear();
    s.novaPorts.clear();
  }

  // ---------------------------------------------------------------- network

  static final class Network {
    String id;
    String name;
    String projectId;
    String description = "";
    boolean shared;
    boolean external;
    boolean adminStateUp = true;
    String networkType = "vxlan";
    Integer segmentationId;
    int mtu = 1450;
    Instant created;
    Instant updated;
    List<String> tags = new ArrayList<>();
  }

  record Pool(String start, String end) {}

  static final class Subnet {
    String id;
    String name;
    String projectId;
    String networkId;
    Ipv4Cidr cidr;
    String gatewayIp;
    boolean enableDhcp;
    List<String> dnsNameservers = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    String description = "";
    Instant created;
    Instant updated;
    List<String> tags = new ArrayList<>();
  }

  record FixedIp(String subnetId, String ipAddress) {}

  static final class Port {
    String id;
    String name = "";
    String projectId;
    String networkId;
    String macAddress;
    String deviceId = "";
    String deviceOwner = "";
    String hostId;
    boolean adminStateUp = true;
    String status = "DOWN";
    List<FixedIp> fixedIps = new ArrayList<>();
    List<String> securityGroups = new ArrayList<>();
    boolean portSecurityEnabled = true;
    String description = "";
    Instant created;
    Instant updated;
    List<String> tags = new ArrayList<>();
  }

  static final class Router {
    String id;
    String name;
    String projectId;
    String description = "";
    boolean adminStateUp = true;
    String gatewayNetworkId;
    boolean enableSnat = true;
    String gatewayPortId;
    Instant created;
    Instant updated;
    List<String> tags = new ArrayList<>();
  }

  static final class SecurityGroup {
    String id;
    String name;
    String description = "";
    String projectId;
    Instant created;
    Instant updated;
    List<String> tags = new ArrayList<>();
  }

  static final class Rule {
    String id;
    String groupId;
    String projectId;
    String direction;
    String ethertype = "IPv4";
    String protocol;
    Integer portMin;
    Integer portMax;
    String remoteIpPrefix;
    String remoteGroupId;
    String description = "";
    Instant created;
  }

  static final Map<String, Integer> NEUTRON_DEFAULT_QUOTAS = defaults(
      "network", 100, "subnet", 100, "port", 500, "router", 10, "floatingip", 50,
      "security_group", 10, "security_group_rule", 100, "subnetpool", -1, "rbac_policy", 10);

  Map<String, Integer> neutronQuota(String projectId) {
    Map<String, Integer> q = new LinkedHashMap<>(NEUTRON_DEFAULT_QUOTAS);
    q.putAll(neutronQuotas.getOrDefault(projectId, Map.of()));
    return q;
  }

  /** Neutron's visibility: own, shared and external networks; an admin sees every one. */
  static boolean visible(Network n, Token t) {
    return isAdmin(t) || n.projectId.equals(t.projectId) || n.shared || n.external;
  }

  /** A project's security group by id or name, as Nova resolves the names in a server create. */
  SecurityGroup securityGroup(String projectId, String idOrName) {
    if ("default".equals(idOrName)) return ensureDefaultSecurityGroup(projectId);
    SecurityGroup byId = securityGroups.get(idOrName);
    if (byId != null && byId.projectId.equals(projectId)) return byId;
    return securityGroups.values().stream().filter(g -> g.projectId.equals(projectId) && g.name.equals(idOrName)).findFirst().orElse(null);
  }

  /** Neutron creates a project's "default" security group the first time the project uses the API. */
  SecurityGroup ensureDefaultSecurityGroup(String projectId) {
    for (SecurityGroup g : securityGroups.values()) {
      if (g.projectId.equals(projectId) && g.name.equals("default")) return g;
    }
    SecurityGroup g = new SecurityGroup();
    g.id = newId();
    g.name = "default";
    g.description = "Default security group";
    g.projectId = projectId;
    g.created = now();
    g.updated = g.created;
    securityGroups.put(g.id, g);
    for (String ethertype : List.of("IPv4", "IPv6")) {
      addRule(g, "ingress", ethertype, null, null, null, null, g.id);
      addRule(g, "egress", ethertype, null, null, null, null, null);
    }
    return g;
  }

  Rule addRule(SecurityGroup g, String direction, String ethertype, String protocol, Integer min, Integer max, String prefix, String remoteGroup) {
    Rule r = new Rule();
    r.id = newId();
    r.groupId = g.id;
    r.projectId = g.projectId;
    r.direction = direction;
    r.ethertype = ethertype;
    r.protocol = protocol;
    r.portMin = min;
    r.portMax = max;
    r.remoteIpPrefix = prefix;
    r.remoteGroupId = remoteGroup;
    r.created = now();
    rules.put(r.id, r);
    return r;
  }

  String nextMac() {
    long n = ++macCounter;
    return String.format("fa:16:3e:%02x:%02x:%02x", (n >> 16) & 255, (n >> 8) & 255, n & 255);
  }

  boolean ipInUse(String subnetId, String ip) {
    for (Port p : ports.values()) {
      for (FixedIp f : p.fixedIps) {
        if (f.subnetId().equals(subnetId) && f.ipAddress().equals(ip)) return true;
      }
    }
    return false;
  }

  /** The lowest free address of the subnet's allocation pools, or 409 when it is full. */
  String allocateIp(Subnet s) {
    for (Pool pool : s.pools) {
      for (long a = Ipv4Cidr.toLong(pool.start()); a <= Ipv4Cidr.toLong(pool.end()); a++) {
        String ip = Ipv4Cidr.toString(a);
        if (!ip.equals(s.gatewayIp) && !ipInUse(s.id, ip)) return ip;
      }
    }
    throw ApiError.conflict("IpAddressGenerationFailure", "No more IP addresses available on network " + s.networkId + ".");
  }

  /** A requested fixed IP: a subnet, an address, or both. */
  record IpRequest(String subnetId, String ipAddress) {}

  /**
   * Creates a port with Neutron's IPAM rules: each requested address must lie in its subnet and be
   * free; with no request the port gets one address from the network's first IPv4 subnet.
   */
  Port createPort(String projectId, Network net, List<IpRequest> requested, String name, String deviceId, String deviceOwner,
      List<String> securityGroupIds) {
    checkQuota(projectId, "port", Kind.PORT);
    Port p = new Port();
    p.id = newId();
    p.projectId = projectId;
    p.networkId = net.id;
    p.name = name == null ? "" : name;
    p.macAddress = nextMac();
    p.deviceId = deviceId == null ? "" : deviceId;
    p.deviceOwner = deviceOwner == null ? "" : deviceOwner;
    p.created = now();
    p.updated = p.created;
    List<Subnet> netSubnets = subnets.values().stream().filter(s -> s.networkId.equals(net.id)).toList();
    if (requested == null || requested.isEmpty()) {
      if (!netSubnets.isEmpty()) p.fixedIps.add(new FixedIp(netSubnets.getFirst().id, allocateIp(netSubnets.getFirst())));
    } else {
      for (IpRequest r : requested) {
        Subnet s;
        if (r.subnetId() != null) {
          s = subnets.get(r.subnetId());
          if (s == null || !s.networkId.equals(net.id)) {
            throw ApiError.badRequest("Invalid input for operation: Failed to create port on network " + net.id + ", because fixed_ips included invalid subnet " + r.subnetId() + ".");
          }
        } else {
          s = netSubnets.stream().filter(x -> x.cidr.contains(r.ipAddress())).findFirst()
              .orElseThrow(() -> ApiError.badRequest("Invalid input for operation: IP address " + r.ipAddress() + " is not a valid IP for any of the subnets on the specified network."));
        }
        String ip = r.ipAddress();
        if (ip == null) ip = allocateIp(s);
        else {
          if (!s.cidr.contains(ip)) throw ApiError.badRequest("Invalid input for operation: IP address " + ip + " is not a valid IP for the specified subnet.");
          if (ipInUse(s.id, ip) || ip.equals(s.gatewayIp) && !"network:router_interface".equals(p.deviceOwner)) {
            throw ApiError.conflict("IpAddressAlreadyAllocated", "IP address " + ip + " already allocated in subnet " + s.id);
          }
        }
        p.fixedIps.add(new FixedIp(s.id, ip));
      }
    }
    if (securityGroupIds != null) p.securityGroups.addAll(securityGroupIds);
    p.status = p.deviceOwner.isEmpty() ? "DOWN" : "ACTIVE";
    ports.put(p.id, p);
    return p;
  }

  /** Neutron's 409 OverQuota when a project would exceed its quota for {@code resource}. */
  void checkQuota(String projectId, String resource, Kind kind) {
    int limit = neutronQuota(projectId).getOrDefault(resource, -1);
    if (limit >= 0 && count(kind, projectId) >= limit) {
      throw ApiError.conflict("OverQuota", "Quota exceeded for resources: ['" + resource + "'].");
    }
  }

  // ---------------------------------------------------------------- image

  record Image(String id, String name, String diskFormat, String containerFormat, long size, Instant created) {}

  // ---------------------------------------------------------------- counting

  int count(Kind kind) {
    return count(kind, null);
  }

  /** Resources of {@code kind}, in {@code projectId} only when it is not null. */
  int count(Kind kind, String projectId) {
    return (int) owners(kind).stream().filter(owner -> projectId == null || projectId.equals(owner)).count();
  }

  /** The names of every resource of {@code kind}, sorted, duplicates kept: a doubled create shows twice. */
  List<String> names(Kind kind) {
    List<String> names = new ArrayList<>(switch (kind) {
      case PROJECT -> projects.values().stream().map(p -> p.name).toList();
      case USER -> users.values().stream().map(u -> u.name).toList();
      case ROLE_ASSIGNMENT -> assignments.stream().map(a -> nameOf(a)).toList();
      case NETWORK -> networks.values().stream().map(n -> n.name).toList();
      case SUBNET -> subnets.values().stream().map(s -> s.name).toList();
      case PORT -> ports.values().stream().map(p -> p.name).toList();
      case ROUTER -> routers.values().stream().map(r -> r.name).toList();
      case SECURITY_GROUP -> securityGroups.values().stream().map(g -> g.name).toList();
      case SECURITY_GROUP_RULE -> rules.values().stream().map(r -> r.direction + "/" + r.ethertype + "/" + r.protocol).toList();
      case SERVER -> servers.values().stream().map(s -> s.name).toList();
      case SERVER_GROUP -> serverGroups.values().stream().map(g -> g.name).toList();
      case KEYPAIR -> keypairs.values().stream().map(k -> k.name).toList();
    });
    names.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
    return names;
  }

  private String nameOf(Assignment a) {
    Project p = projects.get(a.projectId());
    User u = users.get(a.userId());
    Role r = roles.get(a.roleId());
    return (u == null ? a.userId() : u.name) + "@" + (p == null ? a.projectId() : p.name) + ":" + (r == null ? a.roleId() : r.name());
  }

  private List<String> owners(Kind kind) {
    return switch (kind) {
      case PROJECT -> projects.values().stream().map(p -> p.id).toList();
      case USER -> users.values().stream().map(u -> u.defaultProjectId).toList();
      case ROLE_ASSIGNMENT -> assignments.stream().map(Assignment::projectId).toList();
      case NETWORK -> networks.values().stream().map(n -> n.projectId).toList();
      case SUBNET -> subnets.values().stream().map(s -> s.projectId).toList();
      case PORT -> ports.values().stream().map(p -> p.projectId).toList();
      case ROUTER -> routers.values().stream().map(r -> r.projectId).toList();
      case SECURITY_GROUP -> securityGroups.values().stream().map(g -> g.projectId).toList();
      case SECURITY_GROUP_RULE -> rules.values().stream().map(r -> r.projectId).toList();
      case SERVER -> servers.values().stream().map(s -> s.projectId).toList();
      case SERVER_GROUP -> serverGroups.values().stream().map(g -> g.projectId).toList();
      case KEYPAIR -> keypairs.values().stream().map(k -> {
        User u = users.get(k.userId);
        return u == null ? null : u.defaultProjectId;
      }).toList();
    };
  }

  static <T> List<T> filter(Iterable<T> items, Predicate<T> keep) {
    List<T> out = new ArrayList<>();
    for (T t : items) if (keep.test(t)) out.add(t);
    return out;
  }

  private static Map<String, Integer> defaults(Object... pairs) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (Integer) pairs[i + 1]);
    return java.util.Collections.unmodifiableMap(m);
  }
}

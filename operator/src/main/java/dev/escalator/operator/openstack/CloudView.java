package dev.escalator.operator.openstack;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.Subnet;

/**
 * Look-ups of one environment's resources in its project, by their deterministic names (and, for
 * servers, metadata): what the actions "ensure" and the checks observe. Every method is one or a few
 * API calls through the session (retried, circuit-broken).
 */
final class CloudView {
  private final OpenStackClouds.Session session;
  private final OpenStackNames names;

  CloudView(OpenStackClouds.Session session, OpenStackNames names) {
    this.session = session;
    this.names = names;
  }

  OpenStackClouds.Session session() {
    return session;
  }

  OpenStackNames names() {
    return names;
  }

  String projectId() throws OpenStackException {
    return session.call("keystone: authenticate to project " + session.project(), os -> os.getToken().getProject().getId());
  }

  Optional<Network> network(String name) throws OpenStackException {
    String project = projectId();
    return session.call("neutron: find network " + name, os -> os.networking().network()
        .list(Map.of("name", name, "tenant_id", project)).stream()
        .filter(n -> name.equals(n.getName()))
        .min(Comparator.comparing(Network::getId))
        .map(n -> (Network) n));
  }

  Optional<Network> externalNetwork(String name) throws OpenStackException {
    return session.call("neutron: find external network " + name, os -> os.networking().network()
        .list(Map.of("name", name)).stream()
        .filter(n -> name.equals(n.getName()) || name.equals(n.getId()))
        .filter(n -> Boolean.TRUE.equals(n.isRouterExternal()))
        .findFirst()
        .map(n -> (Network) n));
  }

  Optional<Subnet> subnet(String networkId, String name) throws OpenStackException {
    return session.call("neutron: find subnet " + name, os -> os.networking().subnet().list().stream()
        .filter(s -> networkId.equals(s.getNetworkId()) && name.equals(s.getName()))
        .min(Comparator.comparing(Subnet::getId))
        .map(s -> (Subnet) s));
  }

  Optional<Router> router(String name) throws OpenStackException {
    String project = projectId();
    return session.call("neutron: find router " + name, os -> os.networking().router().list().stream()
        .filter(r -> name.equals(r.getName()) && (r.getTenantId() == null || project.equals(r.getTenantId())))
        .min(Comparator.comparing(Router::getId))
        .map(r -> (Router) r));
  }

  /** Whether the router has an interface on the subnet. */
  boolean routerOnSubnet(String routerId, String subnetId) throws OpenStackException {
    return session.call("neutron: list ports of router " + routerId, os -> os.networking().port()
        .list(org.openstack4j.model.network.options.PortListOptions.create().deviceId(routerId)).stream()
        .anyMatch(p -> p.getFixedIps() != null && p.getFixedIps().stream().anyMatch(ip -> subnetId.equals(ip.getSubnetId()))));
  }

  Optional<SecurityGroup> securityGroup(String name) throws OpenStackException {
    String project = projectId();
    return session.call("neutron: find security group " + name, os -> os.networking().securitygroup()
        .list(Map.of("name", name, "tenant_id", project)).stream()
        .filter(g -> name.equals(g.getName()))
        .min(Comparator.comparing(SecurityGroup::getId))
        .map(g -> (SecurityGroup) g));
  }

  /** The environment's servers for a node (normally one; more after an interrupted recreate). */
  List<Server> servers(String node) throws OpenStackException {
    String name = names.server(node);
    return session.call("nova: find server " + name, os -> os.compute().servers()
        .list(Map.of("name", "^" + name + "$")).stream()
        .filter(s -> name.equals(s.getName()) && names.owns(s.getMetadata(), node))
        .sorted(Comparator.comparing(Server::getId))
        .map(s -> (Server) s)
        .toList());
  }

  Optional<Server> server(String node) throws OpenStackException {
    List<Server> found = servers(node);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * Inside a session call: throws the API's error unless {@code response} reports success (a 404
   * counts as done when {@code notFoundIsSuccess}, e.g. for deletes), so retries and the circuit
   * breaker see it like any other error.
   */
  static Void ok(ActionResponse response, boolean notFoundIsSuccess) {
    if (response == null || response.isSuccess()) return null;
    if (notFoundIsSuccess && response.getCode() == 404) return null;
    throw ResponseException.mapException(firstLine(response.getFault()), response.getCode());
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}

package dev.escalator.operator.openstack;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.network.Port;

/**
 * Test helper over an admin session: counts an environment's resources (to prove nothing leaked
 * or was duplicated) and wipes them all (to rebuild from nothing), by the provider's own names.
 */
public final class CloudResources {
  private final OpenStackClouds clouds;
  private final OpenStackClouds.Session admin;
  private final OpenStackClouds.Session environment;
  private final OpenStackNames names;
  private final String project;

  /** {@code environment} is scoped to the environment's project: server groups are per project. */
  public CloudResources(OpenStackClouds clouds, OpenStackClouds.Session admin, OpenStackClouds.Session environment, OpenStackNames names,
      String project) {
    this.clouds = clouds;
    this.admin = admin;
    this.environment = environment;
    this.names = names;
    this.project = project;
  }

  /** Resources by kind whose name starts with the environment's prefix, plus its project. */
  public Map<String, Integer> count() throws OpenStackException {
    String prefix = names.prefix();
    return admin.call("count resources", os -> {
      Map<String, Integer> out = new TreeMap<>();
      String projectId = projectId(os);
      out.put("projects", projectId == null ? 0 : 1);
      out.put("servers", (int) os.compute().servers().listAll(false).stream().filter(s -> s.getName().startsWith(prefix)).count());
      out.put("networks", (int) os.networking().network().list().stream().filter(n -> n.getName() != null && n.getName().startsWith(prefix)).count());
      out.put("subnets", (int) os.networking().subnet().list().stream().filter(n -> n.getName() != null && n.getName().startsWith(prefix)).count());
      out.put("routers", (int) os.networking().router().list().stream().filter(n -> n.getName() != null && n.getName().startsWith(prefix)).count());
      out.put("securityGroups", (int) os.networking().securitygroup().list().stream().filter(n -> n.getName() != null && n.getName().startsWith(prefix)).count());
      out.put("ports", projectId == null ? 0 : (int) os.networking().port().list().stream()
          .filter(p -> projectId.equals(p.getTenantId()) && !"network:router_gateway".equals(p.getDeviceOwner())).count());
      out.put("serverGroups", projectId == null ? 0 : serverGroups().size());
      return out;
    });
  }

  /** The names of the environment's servers, sorted: a server booted twice shows twice. */
  public List<String> serverNames() throws OpenStackException {
    return admin.call("list servers", os -> os.compute().servers().listAll(false).stream().map(s -> s.getName())
        .filter(n -> n.startsWith(names.prefix())).sorted().toList());
  }

  private List<String> serverGroups() {
    try {
      return environment.call("list server groups", os -> os.compute().serverGroups().list().stream()
          .filter(g -> g.getName() != null && g.getName().startsWith(names.prefix())).map(g -> g.getId()).toList());
    } catch (OpenStackException e) {
      return List.of();
    }
  }

  private String projectId(OSClientV3 os) {
    var p = os.identity().projects().getByName(project, "default");
    return p == null ? null : p.getId();
  }

  /** Deletes one server behind the operator's back. */
  public void deleteServer(String id) throws OpenStackException {
    environment.call("delete server " + id, os -> CloudView.ok(os.compute().servers().delete(id), false));
  }

  /** Deletes everything of the environment, servers first, project last. */
  public void wipe() throws OpenStackException {
    String prefix = names.prefix();
    admin.call("wipe servers", os -> {
      os.compute().servers().listAll(false).stream().filter(s -> s.getName().startsWith(prefix))
          .forEach(s -> os.compute().servers().delete(s.getId()));
      return null;
    });
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> count().get("servers") == 0);
    for (String group : serverGroups()) {
      environment.call("delete server group", os -> os.compute().serverGroups().delete(group));
    }
    admin.call("wipe network", os -> {
      for (var r : os.networking().router().list()) {
        if (r.getName() == null || !r.getName().startsWith(prefix)) continue;
        List<? extends Port> ports = os.networking().port().list(org.openstack4j.model.network.options.PortListOptions.create().deviceId(r.getId()));
        for (Port p : ports) {
          if ("network:router_interface".equals(p.getDeviceOwner())) {
            p.getFixedIps().forEach(ip -> os.networking().router().detachInterface(r.getId(), ip.getSubnetId(), null));
          }
        }
        os.networking().router().delete(r.getId());
      }
      os.networking().network().list().stream().filter(n -> n.getName() != null && n.getName().startsWith(prefix))
          .forEach(n -> os.networking().network().delete(n.getId()));
      os.networking().securitygroup().list().stream().filter(g -> g.getName() != null && g.getName().startsWith(prefix))
          .forEach(g -> os.networking().securitygroup().delete(g.getId()));
      String id = projectId(os);
      if (id != null) os.identity().projects().delete(id);
      return null;
    });
    // Tokens of the deleted project would still pass services' token caches.
    clouds.forgetTokens(project);
  }

}

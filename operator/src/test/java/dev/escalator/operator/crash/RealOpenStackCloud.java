package dev.escalator.operator.crash;

import dev.escalator.operator.api.OpenStackCloudSpec;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.openstack.CloudResources;
import dev.escalator.operator.openstack.OpenStackClouds;
import dev.escalator.operator.openstack.OpenStackNames;
import dev.escalator.operator.openstack.RealCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The real OpenStack of {@code hack/start-openstack.sh} as a crash run's cloud. It cannot be
 * hooked: crashes land on the Kubernetes side only (a status write, a Job create, the webhook),
 * and OpenStack calls the crashed instance had under way in that reconcile still finish; their
 * results are unrecorded work the next instance must find. The audit counts the environment's
 * resources by name prefix; closing wipes them.
 */
final class RealOpenStackCloud implements CrashCloud {
  private final String yaml = RealCloud.cloudsYaml();
  private final CloudResources resources;

  RealOpenStackCloud(String namespace, String name) throws Exception {
    OpenStackClouds clouds = RealCloud.clouds(yaml);
    OpenStackCloudSpec spec = CloudEnvironments.sixLevels(namespace, name, RealCloud.ADMIN, CrashRun.NODES, "http://unused").getSpec()
        .provider.openstack;
    resources = new CloudResources(clouds,
        clouds.session(namespace, spec, name, OpenStackClouds.ProjectScope.CREDENTIALS),
        clouds.session(namespace, spec, name, OpenStackClouds.ProjectScope.ENVIRONMENT),
        new OpenStackNames(namespace, name), OpenStackClouds.environmentProject(namespace, name, spec));
  }

  /** What the six-level spec declares, counted as {@link CloudResources#count()} does: a server and a port per node, one port for the router's interface. */
  static Map<String, Integer> declared(int nodes) {
    Map<String, Integer> m = new TreeMap<>(Map.of("projects", 1, "networks", 1, "subnets", 1, "routers", 1, "securityGroups", 1,
        "serverGroups", 1));
    m.put("servers", nodes);
    m.put("ports", nodes + 1);
    return m;
  }

  @Override
  public String cloudName() {
    return RealCloud.ADMIN;
  }

  @Override
  public String cloudsYaml() {
    return yaml;
  }

  @Override
  public void onEffect(Predicate<String> crashAfter) {}

  @Override
  public void refuseCrashedInstance() {}

  @Override
  public void acceptNewInstance() {}

  @Override
  public List<String> leaks(int nodes) throws Exception {
    Map<String, Integer> counts = resources.count();
    List<String> found = new ArrayList<>();
    declared(nodes).forEach((kind, want) -> {
      if (!want.equals(counts.get(kind))) found.add(kind + ": " + counts.get(kind) + " where the spec declares " + want);
    });
    return found;
  }

  @Override
  public List<String> duplicates() throws Exception {
    List<String> servers = resources.serverNames();
    return servers.stream().distinct().count() == servers.size() ? List.of() : List.of("servers booted twice: " + servers);
  }

  @Override
  public void close() throws Exception {
    resources.wipe();
  }
}

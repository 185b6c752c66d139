package dev.escalator.operator.demo;

import dev.escalator.operator.api.OpenStackCloudSpec;
import dev.escalator.operator.openstack.CloudResources;
import dev.escalator.operator.openstack.OpenStackClouds;
import dev.escalator.operator.openstack.OpenStackConfigException;
import dev.escalator.operator.openstack.OpenStackException;
import dev.escalator.operator.openstack.OpenStackNames;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The demo's OpenStack: the cloud OS_CLOUD names in a clouds.yaml when one is configured,
 * otherwise the project's in-process OpenStack API simulator (clearly a simulator: Keystone, Nova,
 * Neutron and Glance as openstack4j uses them, servers ACTIVE at once).
 */
final class DemoCloud implements AutoCloseable {
  private static final String SIMULATED = "simulator";

  private final String cloudsYaml;
  private final String cloudName;
  private final String description;
  private final OpenStackSimulator simulator;

  private DemoCloud(String cloudsYaml, String cloudName, String description, OpenStackSimulator simulator) {
    this.cloudsYaml = cloudsYaml;
    this.cloudName = cloudName;
    this.description = description;
    this.simulator = simulator;
  }

  static DemoCloud open(Consumer<String> say) throws IOException {
    String cloud = System.getenv("OS_CLOUD");
    if (cloud != null && !cloud.isBlank()) {
      Optional<Path> file = cloudsYamlFile();
      if (file.isPresent()) {
        say.accept("OpenStack: cloud " + cloud + " from " + file.get() + " (OS_CLOUD); the demo deletes what it builds");
        return new DemoCloud(Files.readString(file.get()), cloud, "real cloud " + cloud, null);
      }
      say.accept("OS_CLOUD=" + cloud + " but no clouds.yaml found; using the simulator");
    }
    OpenStackSimulator sim = new OpenStackSimulator().start();
    say.accept("OpenStack: the in-process OpenStack API SIMULATOR at " + sim.baseUrl()
        + " (set OS_CLOUD and a clouds.yaml to use a real cloud)");
    return new DemoCloud(sim.cloudsYaml(SIMULATED), SIMULATED, "in-process simulator", sim);
  }

  /** Where the OpenStack clients look for clouds.yaml, in their order. */
  private static Optional<Path> cloudsYamlFile() {
    String explicit = System.getenv("OS_CLIENT_CONFIG_FILE");
    Stream<Path> candidates = Stream.concat(explicit == null ? Stream.empty() : Stream.of(Path.of(explicit)),
        Stream.of(Path.of("clouds.yaml"), Path.of(System.getProperty("user.home"), ".config/openstack/clouds.yaml"),
            Path.of("/etc/openstack/clouds.yaml")));
    return candidates.filter(Files::isReadable).findFirst();
  }

  String cloudName() {
    return cloudName;
  }

  String description() {
    return description;
  }

  Secret secret(String name) {
    return new SecretBuilder().withNewMetadata().withName(name).endMetadata().addToStringData("clouds.yaml", cloudsYaml).build();
  }

  /** Resource counts, deletes and wipes of one environment, with the demo's own credentials. */
  CloudResources resources(String namespace, String environment) throws OpenStackConfigException {
    OpenStackClouds clouds = new OpenStackClouds((ns, n) -> Optional.of(Map.of("clouds.yaml", cloudsYaml)),
        OpenStackClouds.Settings.defaults(), Clock.systemUTC(), (e, s) -> { });
    OpenStackCloudSpec spec = new OpenStackCloudSpec();
    spec.credentialsSecret = "demo";
    spec.cloud = cloudName;
    return new CloudResources(clouds,
        clouds.session(namespace, spec, environment, OpenStackClouds.ProjectScope.CREDENTIALS),
        clouds.session(namespace, spec, environment, OpenStackClouds.ProjectScope.ENVIRONMENT),
        new OpenStackNames(namespace, environment), OpenStackClouds.environmentProject(namespace, environment, spec));
  }

  /** On a real cloud, deletes everything the demo built; the simulator just stops. */
  void cleanUp(String namespace, String environment) throws OpenStackConfigException, OpenStackException {
    if (simulator == null) resources(namespace, environment).wipe();
  }

  @Override
  public void close() {
    if (simulator != null) simulator.close();
  }

}

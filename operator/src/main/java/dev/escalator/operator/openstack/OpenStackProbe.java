package dev.escalator.operator.openstack;

import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.OpenStackCloudSpec;
import dev.escalator.operator.api.OpenStackProbeSpec;
import dev.escalator.operator.api.SecurityRuleSpec;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.Probe;
import dev.escalator.operator.check.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.openstack4j.model.compute.Server;

/**
 * The {@code openstack} check type. What the cloud answers is PASS or FAIL; when the cloud cannot
 * be observed (unreachable, 5xx, circuit open, missing Secret, credentials refused everywhere) the
 * result is ERROR, which never starts a repair.
 *
 * <ul>
 *   <li>Online: a token scoped to the environment's project is issued and compute and network
 *       answer. FAIL when the project is missing or refuses the credentials while the credentials'
 *       own project accepts them (the project level fixes that).
 *   <li>Network: the core network, subnet, router with gateway and interface, and security group
 *       with the network level's ingress rules exist.
 *   <li>Server: the node's server exists and is ACTIVE.
 * </ul>
 */
public final class OpenStackProbe implements Probe<OpenStackProbeSpec> {
  private final OpenStackClouds clouds;
  private final BiFunction<String, String, Optional<EnvironmentSpec>> environments;

  /** {@code environments} finds an Environment's current spec by namespace and name. */
  public OpenStackProbe(OpenStackClouds clouds, BiFunction<String, String, Optional<EnvironmentSpec>> environments) {
    this.clouds = clouds;
    this.environments = environments;
  }

  @Override
  public ProbeResult probe(OpenStackProbeSpec spec, Duration timeout) {
    if (spec.namespace == null || spec.environment == null) return ProbeResult.error("openstack: no environment bound to the check");
    EnvironmentSpec environment = environments.apply(spec.namespace, spec.environment).orElse(null);
    OpenStackCloudSpec cloud = environment == null || environment.provider == null ? null : environment.provider.openstack;
    if (cloud == null) return ProbeResult.error("openstack: spec.provider.openstack is not set");
    OpenStackNames names = new OpenStackNames(spec.namespace, spec.environment);
    CloudView view;
    try {
      view = new CloudView(clouds.session(spec.namespace, cloud, spec.environment, OpenStackClouds.ProjectScope.ENVIRONMENT), names);
    } catch (OpenStackConfigException e) {
      return ProbeResult.error("openstack: " + e.getMessage());
    }
    try {
      view.projectId();
    } catch (OpenStackException e) {
      return projectUnavailable(spec, cloud, e);
    }
    try {
      return switch (spec.resource) {
        case Online -> online(view);
        case Network -> {
          String missing = NetworkOperation.missing(view, ingress(environment));
          yield missing == null ? ProbeResult.pass("core network in place") : ProbeResult.fail(missing + " is missing");
        }
        case Server -> server(view, spec.node);
      };
    } catch (OpenStackException e) {
      return ProbeResult.error("openstack: " + e.getMessage());
    }
  }

  private static ProbeResult online(CloudView view) throws OpenStackException {
    view.session().call("nova: list flavors", os -> os.compute().flavors().list().size());
    view.session().call("neutron: list networks", os -> os.networking().network().list(Map.of("name", view.names().network())).size());
    return ProbeResult.pass("project " + view.session().project() + " online");
  }

  private static ProbeResult server(CloudView view, String node) throws OpenStackException {
    if (node == null) return ProbeResult.error("openstack: the Server check needs Node scope");
    Server server = view.server(node).orElse(null);
    if (server == null) return ProbeResult.fail("server " + view.names().server(node) + " not found");
    if (server.getStatus() == Server.Status.ACTIVE) return ProbeResult.pass("server " + server.getName() + " ACTIVE");
    return ProbeResult.fail("server " + ServerBuilds.describe(server));
  }

  /** The ingress rules the ladder's network level declares. */
  private static List<SecurityRuleSpec> ingress(EnvironmentSpec environment) {
    return environment.ladder == null ? List.of() : environment.ladder.stream()
        .filter(l -> l.action != null && l.action.openstack != null && l.action.openstack.network != null
            && l.action.openstack.network.ingress != null)
        .flatMap(l -> l.action.openstack.network.ingress.stream()).toList();
  }

  /**
   * The environment's project gave no token. A 401 there while the credentials' own project
   * authenticates means the project is missing or the user has no role in it: FAIL. Anything else
   * (the cloud down, the credentials wrong) cannot be told apart from the outside: ERROR.
   */
  private ProbeResult projectUnavailable(OpenStackProbeSpec spec, OpenStackCloudSpec cloud, OpenStackException e) {
    if (e.isTransient() || e.status() != 401) return ProbeResult.error("openstack: " + e.getMessage());
    try {
      new CloudView(clouds.session(spec.namespace, cloud, spec.environment, OpenStackClouds.ProjectScope.CREDENTIALS), null).projectId();
    } catch (OpenStackException other) {
      // Only a refusal is about the credentials; an outage or an open circuit says nothing of them.
      String what = other.isTransient() ? "the cloud cannot be reached to tell a missing project from an outage: "
          : "the credentials of cloud " + cloud.cloud + " are refused: ";
      return ProbeResult.error("openstack: " + what + other.getMessage());
    } catch (OpenStackConfigException other) {
      return ProbeResult.error("openstack: the credentials of cloud " + cloud.cloud + " are refused: " + other.getMessage());
    }
    return ProbeResult.fail("project " + OpenStackClouds.environmentProject(spec.namespace, spec.environment, cloud)
        + " is missing or gives the credentials no role");
  }

  /** CheckType defaults: binds the check to its environment and target. */
  public static OpenStackProbeSpec bind(OpenStackProbeSpec spec, Map<String, String> variables) {
    spec.namespace = variables.get(CheckExpansion.NAMESPACE);
    spec.environment = variables.get(CheckExpansion.ENVIRONMENT);
    spec.tier = variables.get(CheckExpansion.TIER);
    spec.node = variables.get(CheckExpansion.NODE_NAME);
    return spec;
  }
}

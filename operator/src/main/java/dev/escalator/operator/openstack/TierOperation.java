package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.api.OpenStackTierActionSpec;
import dev.escalator.operator.api.TierSpec;
import dev.escalator.operator.ladder.Node;
import java.util.ArrayList;
import java.util.List;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.Subnet;

/**
 * Level "tier networking and all VMs": for the run's tier, ensures its own network and subnet
 * (when it declares a cidr, attached to the environment's router), its server group, and one server
 * per node {@code <tier>-1..<tier>-<size>}, booting only the missing ones. Polling reports every
 * server found as a node (so what was created is recorded before waiting on it) and succeeds once
 * all are ACTIVE with addresses.
 */
final class TierOperation implements OpenStackAction.Operation {
  private final OpenStackTierActionSpec spec;

  TierOperation(OpenStackTierActionSpec spec) {
    this.spec = spec;
  }

  @Override
  public String start(OpenStackAction.Context ctx) throws OpenStackException, OpenStackConfigException, ActionFailedException {
    TierSpec tier = ctx.tier(ctx.request().target().tier());
    if (tier.openstack == null) throw new ActionFailedException("spec.tiers[" + tier.name + "].openstack is not set");
    CloudView view = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    if (tier.openstack.cidr != null) {
      String projectId = view.projectId();
      String name = view.names().tierNetwork(tier.name);
      Network network = NetworkOperation.ensureNetwork(view, projectId, name);
      Subnet subnet = NetworkOperation.ensureSubnet(view, projectId, network, name, tier.openstack.cidr, List.of());
      Router router = view.router(view.names().router()).orElseThrow(() -> new OpenStackException(
          "neutron: router " + view.names().router() + " not found: the network level must run first", 404, false, null));
      NetworkOperation.ensureInterface(view, router, subnet);
    }
    ensureServers(ctx, view, tier);
    return "tier/" + tier.name;
  }

  @Override
  public ActionProgress poll(OpenStackAction.Context ctx, String handle) throws OpenStackException, OpenStackConfigException, ActionFailedException {
    TierSpec tier = ctx.tier(ctx.request().target().tier());
    CloudView view = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    List<Node> nodes = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    int ready = 0;
    for (int i = 1; i <= tier.size; i++) {
      String node = tier.name + "-" + i;
      Server server = view.server(node).orElse(null);
      if (server == null) {
        // Gone while building (or deleted behind our back): ensure it again.
        server = ServerBuilds.boot(ctx, view, tier, node, null, ctx.request().workName());
      }
      nodes.add(ServerBuilds.node(tier, node, server));
      if (server.getStatus() == Server.Status.ERROR) {
        if (spec.replaceUnhealthy) {
          String id = server.getId();
          view.session().call("nova: delete server " + server.getName() + " in ERROR", os -> CloudView.ok(os.compute().servers().delete(id), true));
        } else {
          broken.add(ServerBuilds.describe(server));
        }
      } else if (ServerBuilds.ready(server)) {
        ready++;
      }
    }
    if (!broken.isEmpty()) return ActionProgress.failed("tier " + tier.name + ": " + String.join("; ", broken)).withNodes(nodes);
    String counts = ready + " of " + tier.size + " servers of tier " + tier.name + " ACTIVE";
    return (ready == tier.size ? ActionProgress.succeeded(counts) : ActionProgress.running(counts)).withNodes(nodes);
  }

  private static void ensureServers(OpenStackAction.Context ctx, CloudView view, TierSpec tier)
      throws OpenStackException, ActionFailedException {
    for (int i = 1; i <= tier.size; i++) {
      String node = tier.name + "-" + i;
      if (view.server(node).isEmpty()) ServerBuilds.boot(ctx, view, tier, node, null, ctx.request().workName());
    }
  }
}

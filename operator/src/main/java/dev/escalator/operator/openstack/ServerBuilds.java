package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.api.OpenStackTierSpec;
import dev.escalator.operator.api.TierSpec;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.template.Template;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.api.Builders;
import org.openstack4j.model.compute.Address;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.ServerCreate;
import org.openstack4j.model.compute.ServerGroup;
import org.openstack4j.model.compute.builder.ServerCreateBuilder;
import org.openstack4j.model.network.Network;
import org.openstack4j.openstack.compute.domain.NovaServerCreate;

/**
 * Booting a tier's server, shared by the tier and the server levels: which network (the tier's own,
 * or the core network), security group, server group, flavor and image it gets, its deterministic
 * name and metadata, and the node it becomes in the inventory.
 */
final class ServerBuilds {
  private ServerBuilds() {}

  /** The network a tier's servers join: the tier's own when it declares a cidr, else the core network. */
  static Network tierNetwork(CloudView view, TierSpec tier) throws OpenStackException {
    String name = tier.openstack.cidr != null ? view.names().tierNetwork(tier.name) : view.names().network();
    return view.network(name).orElseThrow(() -> new OpenStackException("neutron: network " + name + " not found: "
        + (tier.openstack.cidr != null ? "the tier level creates it" : "the network level must run first"), 404, false, null));
  }

  static ServerGroup ensureServerGroup(CloudView view, TierSpec tier) throws OpenStackException {
    String name = view.names().serverGroup(tier.name);
    List<? extends ServerGroup> groups = view.session().call("nova: list server groups", os -> os.compute().serverGroups().list());
    for (ServerGroup g : groups) {
      if (name.equals(g.getName())) return g;
    }
    String policy = tier.openstack.serverGroupPolicy == null ? "soft-anti-affinity" : tier.openstack.serverGroupPolicy;
    return view.session().create("nova: create server group " + name, os -> os.compute().serverGroups().create(name, policy));
  }

  static String flavorId(CloudView view, String flavor) throws OpenStackException {
    return view.session().call("nova: find flavor " + flavor, os -> os.compute().flavors().list().stream()
        .filter(f -> flavor.equals(f.getName()) || flavor.equals(f.getId()))
        .findFirst().map(f -> f.getId())
        .orElseThrow(() -> new org.openstack4j.api.exceptions.ClientResponseException("flavor " + flavor + " not found", 404)));
  }

  static String imageId(CloudView view, String image) throws OpenStackException {
    return view.session().call("glance: find image " + image, os -> os.imagesV2().list().stream()
        .filter(i -> image.equals(i.getName()) || image.equals(i.getId()))
        .findFirst().map(i -> i.getId())
        .orElseThrow(() -> new org.openstack4j.api.exceptions.ClientResponseException("image " + image + " not found", 404)));
  }

  /**
   * Boots the node's server, with {@code fixedIp} when one should be kept, marked with {@code work}
   * (the run that created it) so that a repeated run finds it instead of booting another.
   */
  static Server boot(OpenStackAction.Context ctx, CloudView view, TierSpec tier, String node, String fixedIp, String work)
      throws OpenStackException, ActionFailedException {
    OpenStackTierSpec os = tier.openstack;
    if (os == null) throw new ActionFailedException("spec.tiers[" + tier.name + "].openstack is not set: nothing says how to build its servers");
    Network network = tierNetwork(view, tier);
    ServerGroup group = ensureServerGroup(view, tier);
    String flavor = flavorId(view, os.flavor);
    String image = imageId(view, os.image);
    String name = view.names().server(node);
    Map<String, String> metadata = new HashMap<>(view.names().serverMetadata(tier.name, node));
    metadata.put(OpenStackNames.WORK_KEY, work);
    metadata.put(OpenStackNames.ESCALATION_KEY, ctx.request().escalationId());
    ServerCreateBuilder b = Builders.server().name(name).flavor(flavor).image(image)
        .addMetadata(metadata)
        .addSecurityGroup(view.names().securityGroup())
        .addSchedulerHint("group", group.getId());
    if (os.keyPair != null) b.keypairName(os.keyPair);
    if (os.userData != null) {
      Map<String, String> vars = Map.of("environment", ctx.request().environmentName(), "namespace", ctx.request().namespace(),
          "tier", tier.name, "node.name", node);
      String rendered;
      try {
        rendered = Template.render(os.userData, vars);
      } catch (Template.UnknownVariableException e) {
        throw new ActionFailedException("spec.tiers[" + tier.name + "].openstack.userData: " + e.getMessage(), e);
      }
      b.userData(Base64.getEncoder().encodeToString(rendered.getBytes(StandardCharsets.UTF_8)));
    }
    ServerCreate create = b.build();
    ((NovaServerCreate) create).addNetwork(network.getId(), fixedIp);
    return view.session().create("nova: boot server " + name, c -> c.compute().servers().boot(create));
  }

  /** The node a server fills, with its first IPv4 address (preferring the tier's network), or none yet. */
  static Node node(TierSpec tier, String node, Server server) {
    return new Node(node, tier.name, address(server), server.getId());
  }

  static String address(Server server) {
    if (server.getAddresses() == null || server.getAddresses().getAddresses() == null) return null;
    for (List<? extends Address> list : server.getAddresses().getAddresses().values()) {
      for (Address a : list) {
        if (a.getVersion() == 4 && a.getAddr() != null) return a.getAddr();
      }
    }
    return null;
  }

  /** ACTIVE with no task running and an address: ready to be used. */
  static boolean ready(Server server) {
    return server.getStatus() == Server.Status.ACTIVE && server.getTaskState() == null && address(server) != null;
  }

  static String describe(Server server) {
    String fault = server.getFault() == null ? "" : ": " + server.getFault().getMessage();
    return server.getName() + " is " + server.getStatus() + (server.getTaskState() == null ? "" : " (" + server.getTaskState() + ")") + fault;
  }
}

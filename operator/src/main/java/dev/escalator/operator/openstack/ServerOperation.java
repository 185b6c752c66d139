package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.api.OpenStackServerActionSpec;
import dev.escalator.operator.api.ServerStrategy;
import dev.escalator.operator.api.TierSpec;
import dev.escalator.operator.ladder.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.compute.RebootType;
import org.openstack4j.model.compute.Server;
import org.openstack4j.model.compute.actions.RebuildOptions;

/**
 * Level "one VM": repairs the run's node with the strategy its attempt calls for (reboot, rebuild,
 * recreate; the last repeats). A node whose server is gone is always recreated. Every strategy
 * marks the server with the run's work name ({@code escalator.dev/work}): a repeated start of the
 * same run (after a crash) finds the mark and does not act twice. Recreate deletes the old server,
 * waits until it is gone (its fixed IP is then free), and boots the replacement with the same name
 * and, where the inventory knows it, the same fixed IP.
 *
 * <p>A server this same escalation built (its tier level ran first, in a plan from a more drastic
 * level) and that is ready is kept as it is.
 *
 * <p>Handles: {@code server/reboot/<id>}, {@code server/rebuild/<id>}, {@code server/recreate},
 * {@code server/kept/<id>}.
 */
final class ServerOperation implements OpenStackAction.Operation {
  private final OpenStackServerActionSpec spec;

  ServerOperation(OpenStackServerActionSpec spec) {
    this.spec = spec;
  }

  @Override
  public String start(OpenStackAction.Context ctx) throws OpenStackException, OpenStackConfigException, ActionFailedException {
    String node = node(ctx);
    CloudView view = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    String work = ctx.request().workName();
    List<Server> servers = view.servers(node);
    for (Server s : servers) {
      if (work.equals(metadata(s).get(OpenStackNames.WORK_KEY))) {
        // This run already acted (a crash after acting, before the handle was recorded).
        return servers.size() == 1 && s.getStatus() != Server.Status.DELETED ? handle(strategy(ctx), s) : "server/recreate";
      }
    }
    if (servers.size() == 1 && ServerBuilds.ready(servers.get(0))
        && ctx.request().escalationId().equals(metadata(servers.get(0)).get(OpenStackNames.ESCALATION_KEY))) {
      // Built moments ago by this escalation's tier level (a plan from a more drastic level): keep it.
      return "server/kept/" + servers.get(0).getId();
    }
    ServerStrategy strategy = servers.isEmpty() ? ServerStrategy.recreate : strategy(ctx);
    if (strategy == ServerStrategy.recreate) {
      for (Server s : servers) delete(view, s);
      return "server/recreate";
    }
    Server server = servers.get(0);
    String id = server.getId();
    if (strategy == ServerStrategy.reboot) {
      view.session().call("nova: reboot server " + server.getName(), os -> CloudView.ok(os.compute().servers().reboot(id, RebootType.HARD), false));
      // openstack4j's updateMetadata replaces all items (PUT): send the server's own with the mark added.
      Map<String, String> marked = new HashMap<>(metadata(server));
      marked.put(OpenStackNames.WORK_KEY, work);
      view.session().call("nova: mark server " + server.getName(), os -> os.compute().servers().updateMetadata(id, marked));
    } else {
      TierSpec tier = ctx.tier(ctx.request().target().tier());
      String image = ServerBuilds.imageId(view, tier.openstack.image);
      Map<String, String> metadata = new HashMap<>(metadata(server));
      metadata.put(OpenStackNames.WORK_KEY, work);
      view.session().call("nova: rebuild server " + server.getName(), os -> CloudView.ok(os.compute().servers()
          .rebuild(id, RebuildOptions.create().image(image).metadata(metadata)), false));
    }
    return handle(strategy, server);
  }

  @Override
  public ActionProgress poll(OpenStackAction.Context ctx, String handle) throws OpenStackException, OpenStackConfigException, ActionFailedException {
    String node = node(ctx);
    TierSpec tier = ctx.tier(ctx.request().target().tier());
    CloudView view = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    String work = ctx.request().workName();
    List<Server> servers = view.servers(node);
    if (handle.equals("server/recreate")) {
      Server replacement = servers.stream().filter(s -> work.equals(metadata(s).get(OpenStackNames.WORK_KEY))).findFirst().orElse(null);
      List<Server> old = servers.stream().filter(s -> s != replacement).toList();
      if (!old.isEmpty()) {
        // Deleting takes a moment; the old server's fixed IP is free only once it is gone.
        for (Server s : old) if (s.getTaskState() == null || !s.getTaskState().startsWith("delet")) delete(view, s);
        return ActionProgress.running("waiting for the old server of " + node + " to be deleted");
      }
      Server server = replacement != null ? replacement : ServerBuilds.boot(ctx, view, tier, node, keptAddress(ctx, node), work);
      return progress(tier, node, server, "recreated");
    }
    String[] parts = handle.split("/", 3);
    if (parts.length != 3) throw new ActionFailedException("server: unreadable handle " + handle);
    Server server = servers.stream().filter(s -> s.getId().equals(parts[2])).findFirst().orElse(null);
    if (server == null) return ActionProgress.failed("server " + view.names().server(node) + " disappeared during " + parts[1]);
    String done = switch (parts[1]) {
      case "reboot" -> "rebooted";
      case "rebuild" -> "rebuilt";
      default -> "built by this escalation, kept";
    };
    return progress(tier, node, server, done);
  }

  private static ActionProgress progress(TierSpec tier, String node, Server server, String done) {
    List<Node> nodes = List.of(ServerBuilds.node(tier, node, server));
    if (server.getStatus() == Server.Status.ERROR) return ActionProgress.failed(ServerBuilds.describe(server)).withNodes(nodes);
    if (ServerBuilds.ready(server)) return ActionProgress.succeeded("server " + server.getName() + " " + done + ", ACTIVE").withNodes(nodes);
    return ActionProgress.running(ServerBuilds.describe(server)).withNodes(nodes);
  }

  private ServerStrategy strategy(OpenStackAction.Context ctx) {
    List<ServerStrategy> strategies = spec.strategies == null || spec.strategies.isEmpty()
        ? List.of(ServerStrategy.reboot, ServerStrategy.rebuild, ServerStrategy.recreate) : spec.strategies;
    int attempt = Math.max(1, ctx.request().attempt());
    return strategies.get(Math.min(attempt, strategies.size()) - 1);
  }

  private static String handle(ServerStrategy strategy, Server server) {
    return strategy == ServerStrategy.recreate ? "server/recreate" : "server/" + strategy + "/" + server.getId();
  }

  private static String node(OpenStackAction.Context ctx) throws ActionFailedException {
    String node = ctx.request().target().node();
    if (node == null) throw new ActionFailedException("the openstack server action needs a Node-scoped level");
    return node;
  }

  /** The node's address as the inventory recorded it: the replacement keeps it. */
  private static String keptAddress(OpenStackAction.Context ctx, String node) {
    return ctx.request().inventory().stream().filter(n -> n.name().equals(node)).map(Node::address)
        .filter(a -> a != null && a.matches("[0-9.]+")).findFirst().orElse(null);
  }

  private static void delete(CloudView view, Server s) throws OpenStackException {
    String id = s.getId();
    view.session().call("nova: delete server " + s.getName(), os -> CloudView.ok(os.compute().servers().delete(id), true));
  }

  private static Map<String, String> metadata(Server s) {
    return s.getMetadata() == null ? Map.of() : s.getMetadata();
  }
}

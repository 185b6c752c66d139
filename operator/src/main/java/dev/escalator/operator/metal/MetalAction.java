package dev.escalator.operator.metal;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionProvider;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.HostProvisioningSpec;
import dev.escalator.operator.api.MetalActionSpec;
import dev.escalator.operator.api.MetalActionSpec.Strategy;
import dev.escalator.operator.api.MetalTimeoutsSpec;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Scope;
import dev.escalator.operator.metal.HostInventory.Claimant;
import dev.escalator.operator.metal.HostProcedures.Progress;
import dev.escalator.operator.metal.HostProcedures.Settings;
import dev.escalator.operator.spec.Durations;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The {@code metal} action type.
 *
 * <p>Node scope repairs the host filling the failing node, more drastically with each attempt
 * (the request's attempt number picks the entry of {@code strategy}): {@code powerCycle} (force
 * off, wait for Off, power on, wait until up), {@code reprovision} (one-time boot override to PXE
 * or the virtual CD, reset, wait until the host is back), {@code replace} (claim a spare from the
 * pool, provision it, then retire the broken host as failed and power it off). A node that holds
 * no host gets one: the available host named like the node (an existing machine, adopted as it
 * is), else a spare from the pool, provisioned.
 *
 * <p>Tier scope gives every node of the tier (spec.tiers) a provisioned host, claiming and
 * provisioning the missing ones; hosts already serving are left alone.
 *
 * <p>Ensure: every host records the claim and the procedure with the run's work name, so a start
 * repeated for the same run finds what the first one began. Progress is read back from the
 * hosts' status; the handle only names them ({@code metal/powerCycle/<host>}, {@code
 * metal/replace/<broken>/<spare>}, {@code metal/provision/<host>}, {@code metal/tier/<tier>}). The
 * hosts' addresses are reported as the nodes' addresses.
 */
public final class MetalAction implements ActionProvider<MetalActionSpec> {
  static final String HANDLE_PREFIX = "metal/";
  /** The provider id reported for a node: which BareMetalHost fills it. */
  static final String PROVIDER_ID_PREFIX = "baremetalhost/";

  private final HostInventory inventory;
  private final HostProcedures procedures;

  public MetalAction(KubernetesClient client, BmcConnector bmcs, Clock clock) {
    this(client, bmcs, clock, Executors.newVirtualThreadPerTaskExecutor());
  }

  public MetalAction(KubernetesClient client, BmcConnector bmcs, Clock clock, Executor bmcCalls) {
    this.inventory = new HostInventory(client, clock);
    this.procedures = new HostProcedures(inventory, bmcs, clock, bmcCalls);
  }

  @Override
  public String start(ActionRequest request, MetalActionSpec spec) throws ActionFailedException {
    return switch (request.target().scope()) {
      case NODE -> startNode(request, spec);
      case TIER -> startTier(request, spec);
      case ENVIRONMENT -> throw new ActionFailedException("metal acts on hosts: use it on a Node or Tier scoped level");
    };
  }

  @Override
  public ActionProgress poll(ActionRequest request, MetalActionSpec spec, String handle) throws ActionFailedException {
    Handle h = Handle.parse(handle);
    return switch (h.kind()) {
      case "powerCycle", "reprovision", "provision" -> pollInPlace(request, spec, h.first());
      case "replace" -> pollReplace(request, spec, h.first(), h.second());
      case "tier" -> pollTier(request, spec, h.first());
      default -> throw new ActionFailedException("not a metal handle: " + handle);
    };
  }

  // --- Node scope ---

  private String startNode(ActionRequest request, MetalActionSpec spec) throws ActionFailedException {
    String ns = request.namespace();
    Claimant claimant = claimant(request, request.target().node());
    String run = claimant.run();
    List<BareMetalHost> held = inventory.heldBy(ns, claimant);
    Optional<BareMetalHost> ours = held.stream().filter(h -> run.equals(h.getStatus().claimedBy.run)).findFirst();
    List<BareMetalHost> before = held.stream().filter(h -> !run.equals(h.getStatus().claimedBy.run)).toList();
    if (ours.isPresent()) {
      // This run claimed a host already (a repeated start): carry on with it.
      BareMetalHost host = ours.get();
      if (!before.isEmpty()) return HANDLE_PREFIX + "replace/" + before.getLast().getMetadata().getName() + "/" + host.getMetadata().getName();
      var last = host.getStatus().lastAction;
      if (last != null && run.equals(last.run)) return handle(kind(HostProcedure.parse(last.action)), host);
      return ownFirstHost(request, spec, host);
    }
    if (before.isEmpty()) {
      BareMetalHost host = inventory.claim(ns, spec.pool, spec.hostSelector, Set.of(), request.target().node(), claimant, HostState.claimed)
          .orElseThrow(() -> noHost(request, spec, "node " + request.target().node() + " holds no host"));
      return ownFirstHost(request, spec, host);
    }
    return repairHeld(request, spec, before.getLast());
  }

  /**
   * A node's first host: the one named like the node is an existing machine, adopted as it is and
   * repaired like any held host; any other is a spare, provisioned for the node.
   */
  private String ownFirstHost(ActionRequest request, MetalActionSpec spec, BareMetalHost host) throws ActionFailedException {
    String node = request.target().node();
    if (host.getMetadata().getName().equals(node)) return repairHeld(request, spec, host);
    procedures.begin(host, HostProcedure.PROVISION, request.workName(), settings(spec, host), "node " + node + " had no host");
    return handle("provision", host);
  }

  private static String kind(HostProcedure procedure) {
    return switch (procedure) {
      case POWER_CYCLE -> "powerCycle";
      case REPROVISION -> "reprovision";
      case PROVISION -> "provision";
      case RETIRE -> throw new IllegalStateException("a retired host serves no node");
    };
  }

  private String repairHeld(ActionRequest request, MetalActionSpec spec, BareMetalHost host) throws ActionFailedException {
    String run = request.workName();
    Strategy strategy = strategy(spec, request.attempt());
    String node = request.target().node();
    switch (strategy) {
      case powerCycle -> {
        procedures.begin(host, HostProcedure.POWER_CYCLE, run, settings(spec, host), "attempt " + request.attempt() + " on node " + node);
        return handle("powerCycle", host);
      }
      case reprovision -> {
        procedures.begin(host, HostProcedure.REPROVISION, run, settings(spec, host), "attempt " + request.attempt() + " on node " + node);
        return handle("reprovision", host);
      }
      case replace -> {
        Claimant claimant = claimant(request, node);
        BareMetalHost spare = claimSpare(request, spec, claimant, Set.of(host.getMetadata().getName()))
            .orElseThrow(() -> noHost(request, spec, "node " + node + " needs a spare to replace host " + host.getMetadata().getName()));
        procedures.begin(spare, HostProcedure.PROVISION, run, settings(spec, spare),
            "spare for node " + node + ", replacing host " + host.getMetadata().getName());
        return HANDLE_PREFIX + "replace/" + host.getMetadata().getName() + "/" + spare.getMetadata().getName();
      }
      default -> throw new IllegalStateException("unknown strategy " + strategy);
    }
  }

  private ActionProgress pollInPlace(ActionRequest request, MetalActionSpec spec, String hostName) throws ActionFailedException {
    BareMetalHost host = host(request, hostName);
    Progress p = procedures.advance(request.namespace(), hostName, request.workName(), settings(spec, host));
    return progress(p.outcome(), p.message(), nodes(request, p.host()));
  }

  private ActionProgress pollReplace(ActionRequest request, MetalActionSpec spec, String brokenName, String spareName) throws ActionFailedException {
    String ns = request.namespace();
    String run = request.workName();
    BareMetalHost spare = host(request, spareName);
    BareMetalHost broken = inventory.get(ns, brokenName).orElse(null);
    var spareAction = spare.getStatus() == null ? null : spare.getStatus().lastAction;
    if (spareAction == null || !HostProcedure.PROVISION.display.equals(spareAction.action) || !run.equals(spareAction.run)) {
      throw new ActionFailedException("spare host " + spareName + " is no longer this run's");
    }
    if (!HostProcedures.SUCCEEDED.equals(spareAction.outcome)) {
      Progress p = procedures.advance(ns, spareName, run, settings(spec, spare));
      if (p.running()) return ActionProgress.running("replacing host " + brokenName + " of node " + request.target().node() + ": " + p.message());
      if (!p.succeeded()) {
        // A spare that cannot be provisioned is out of service too; the broken host keeps the node.
        retireFailed(ns, spareName);
        return ActionProgress.failed("spare host " + spareName + " failed to provision and was retired; host " + brokenName
            + " still holds node " + request.target().node() + ": " + p.message());
      }
      spare = p.host();
    }
    // The spare serves the node: the broken host leaves it, marked failed, and is powered off.
    if (broken != null && broken.getStatus() != null && broken.getStatus().lastAction != null
        && HostProcedure.RETIRE.display.equals(broken.getStatus().lastAction.action) && run.equals(broken.getStatus().lastAction.run)) {
      Progress r = procedures.advance(ns, brokenName, run, settings(spec, broken));
      List<Node> nodes = nodes(request, spare);
      if (r.running()) return ActionProgress.running("node " + request.target().node() + " is on host " + spareName + "; retiring host " + brokenName + ": " + r.message()).withNodes(nodes);
      String off = r.succeeded() ? "powered off" : "left as it is, its power-off failed: " + r.message();
      return ActionProgress.succeeded("node " + request.target().node() + " replaced: now on host " + spareName + "; host " + brokenName
          + " retired as failed and " + off).withNodes(nodes);
    }
    if (broken == null) {
      return ActionProgress.succeeded("node " + request.target().node() + " replaced: now on host " + spareName + " (host " + brokenName + " was deleted)")
          .withNodes(nodes(request, spare));
    }
    BareMetalHost retiring = procedures.begin(broken, HostProcedure.RETIRE, run, settings(spec, broken),
        "replaced by host " + spareName + " for node " + request.target().node() + " of Environment " + request.environmentName());
    inventory.update(ns, brokenName, s -> s.claimedBy = null);
    return ActionProgress.running("node " + request.target().node() + " is on host " + spareName + "; retiring host " + retiring.getMetadata().getName())
        .withNodes(nodes(request, spare));
  }

  // --- Tier scope ---

  private String startTier(ActionRequest request, MetalActionSpec spec) throws ActionFailedException {
    String tier = request.target().tier();
    List<Node> nodes = tierNodes(request);
    for (Node node : nodes) {
      Claimant claimant = claimant(request, node.name());
      List<BareMetalHost> held = inventory.heldBy(request.namespace(), claimant);
      BareMetalHost host = held.isEmpty() ? null : held.getLast();
      if (host != null && HostInventory.state(host) == HostState.provisioned) continue;
      if (host == null) {
        host = inventory.claim(request.namespace(), spec.pool, spec.hostSelector, Set.of(), node.name(), claimant, HostState.claimed)
            .orElseThrow(() -> noHost(request, spec, "node " + node.name() + " of tier " + tier + " needs a host"));
      }
      procedures.begin(host, HostProcedure.PROVISION, request.workName(), settings(spec, host), "tier " + tier + " needs node " + node.name());
    }
    return HANDLE_PREFIX + "tier/" + tier;
  }

  private ActionProgress pollTier(ActionRequest request, MetalActionSpec spec, String tier) throws ActionFailedException {
    List<Node> reported = new ArrayList<>();
    List<String> running = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Node node : tierNodes(request)) {
      List<BareMetalHost> held = inventory.heldBy(request.namespace(), claimant(request, node.name()));
      if (held.isEmpty()) {
        failed.add("node " + node.name() + " holds no host");
        continue;
      }
      BareMetalHost host = held.getLast();
      var last = host.getStatus().lastAction;
      if (last != null && request.workName().equals(last.run) && HostProcedures.RUNNING.equals(last.outcome)) {
        Progress p = procedures.advance(request.namespace(), host.getMetadata().getName(), request.workName(), settings(spec, host));
        host = p.host();
        if (p.running()) running.add(node.name() + ": " + p.message());
        else if (!p.succeeded()) {
          // Out of service: the next attempt claims another host for the node.
          retireFailed(request.namespace(), host.getMetadata().getName());
          failed.add(node.name() + ": " + p.message() + "; host retired");
          continue;
        }
      } else if (HostInventory.state(host) != HostState.provisioned) {
        failed.add(node.name() + ": host " + host.getMetadata().getName() + " is " + HostInventory.state(host));
      }
      reported.addAll(nodes(request, node, host));
    }
    if (!running.isEmpty()) return ActionProgress.running("tier " + tier + ": " + running.size() + " host(s) provisioning; " + String.join("; ", running)).withNodes(reported);
    if (!failed.isEmpty()) return ActionProgress.failed("tier " + tier + ": " + String.join("; ", failed)).withNodes(reported);
    return ActionProgress.succeeded("tier " + tier + ": " + reported.size() + " node(s) on provisioned hosts").withNodes(reported);
  }

  private static List<Node> tierNodes(ActionRequest request) throws ActionFailedException {
    String tier = request.target().tier();
    List<Node> nodes = request.inventory().stream().filter(n -> tier.equals(n.tier())).toList();
    if (nodes.isEmpty()) throw new ActionFailedException("tier " + tier + " has no nodes: declare it, with its size, in spec.tiers");
    return nodes;
  }

  // --- shared ---

  private Optional<BareMetalHost> claimSpare(ActionRequest request, MetalActionSpec spec, Claimant claimant, Set<String> exclude) {
    return inventory.claim(request.namespace(), spec.pool, spec.hostSelector, exclude, null, claimant, HostState.claimed);
  }

  /** A host that failed to provision leaves its node and the pool: failed, until a human returns it. */
  private void retireFailed(String namespace, String host) {
    inventory.update(namespace, host, s -> {
      s.claimedBy = null;
      s.state = HostState.failed;
    });
  }

  private ActionFailedException noHost(ActionRequest request, MetalActionSpec spec, String why) {
    List<BareMetalHost> pool = inventory.list(request.namespace()).stream().filter(h -> spec.pool.equals(h.getSpec().pool)).toList();
    long available = pool.stream().filter(h -> HostInventory.state(h) == HostState.available).count();
    long failed = pool.stream().filter(h -> HostInventory.state(h) == HostState.failed).count();
    return new ActionFailedException(why + ", but pool " + spec.pool + " in namespace " + request.namespace() + " has no available host"
        + (spec.hostSelector == null || spec.hostSelector.isEmpty() ? "" : " matching " + spec.hostSelector)
        + " (" + pool.size() + " hosts: " + available + " available, " + failed + " failed, " + (pool.size() - available - failed) + " in use)");
  }

  private BareMetalHost host(ActionRequest request, String name) throws ActionFailedException {
    return inventory.get(request.namespace(), name)
        .orElseThrow(() -> new ActionFailedException("BareMetalHost " + request.namespace() + "/" + name + " was deleted while the operator acted on it"));
  }

  private static Claimant claimant(ActionRequest request, String node) {
    String tier = request.target().tier();
    return new Claimant(request.environmentName(), request.environment().getMetadata().getUid(), tier, node, request.workName());
  }

  private static List<Node> nodes(ActionRequest request, BareMetalHost host) {
    if (request.target().scope() != Scope.NODE) return List.of();
    return nodes(request, new Node(request.target().node(), request.target().tier(), null), host);
  }

  /** The node as the host fills it: its address is the host's (when the host has one). */
  private static List<Node> nodes(ActionRequest request, Node node, BareMetalHost host) {
    if (host.getSpec().address == null || host.getSpec().address.isBlank()) return List.of();
    return List.of(new Node(node.name(), node.tier(), host.getSpec().address, PROVIDER_ID_PREFIX + host.getMetadata().getName()));
  }

  private static ActionProgress progress(String outcome, String message, List<Node> nodes) {
    ActionProgress p = switch (outcome) {
      case HostProcedures.SUCCEEDED -> ActionProgress.succeeded(message);
      case HostProcedures.FAILED -> ActionProgress.failed(message);
      default -> ActionProgress.running(message);
    };
    return p.withNodes(nodes);
  }

  static Strategy strategy(MetalActionSpec spec, int attempt) {
    List<Strategy> strategies = spec.strategy == null || spec.strategy.isEmpty()
        ? List.of(Strategy.powerCycle, Strategy.reprovision, Strategy.replace) : spec.strategy;
    return strategies.get(Math.min(Math.max(attempt, 1), strategies.size()) - 1);
  }

  /** The level's choices over the host's own: boot target, image; the host's boot mode; the level's timeouts. */
  static Settings settings(MetalActionSpec spec, BareMetalHost host) throws ActionFailedException {
    HostProvisioningSpec own = host.getSpec().provisioning;
    HostProvisioningSpec.BootTarget target = spec.bootTarget != null ? spec.bootTarget
        : own != null && own.bootTarget != null ? own.bootTarget : HostProvisioningSpec.BootTarget.pxe;
    String image = spec.image != null ? spec.image : own == null ? null : own.image;
    boolean uefi = own == null || own.bootMode != HostProvisioningSpec.BootMode.Legacy;
    MetalTimeoutsSpec t = spec.timeouts == null ? new MetalTimeoutsSpec() : spec.timeouts;
    return new Settings(target == HostProvisioningSpec.BootTarget.virtualMedia ? BootDevice.CD : BootDevice.PXE, image, uefi,
        duration("metal.timeouts.bmcCall", t.bmcCall, "30s"), duration("metal.timeouts.power", t.power, "5m"),
        duration("metal.timeouts.provision", t.provision, "30m"));
  }

  private static Duration duration(String field, String text, String fallback) throws ActionFailedException {
    try {
      return Durations.parse(text == null ? fallback : text);
    } catch (IllegalArgumentException e) {
      throw new ActionFailedException(field + ": " + e.getMessage());
    }
  }

  private static String handle(String kind, BareMetalHost host) {
    return HANDLE_PREFIX + kind + "/" + host.getMetadata().getName();
  }

  /** A parsed handle: {@code metal/<kind>/<first>[/<second>]}. */
  record Handle(String kind, String first, String second) {
    static Handle parse(String handle) throws ActionFailedException {
      String[] parts = handle == null || !handle.startsWith(HANDLE_PREFIX) ? new String[0] : handle.substring(HANDLE_PREFIX.length()).split("/", -1);
      boolean replace = parts.length == 3 && parts[0].equals("replace");
      if (!(parts.length == 2 || replace) || List.of(parts).stream().anyMatch(String::isEmpty)) {
        throw new ActionFailedException("not a metal handle: " + handle);
      }
      return new Handle(parts[0], parts[1], replace ? parts[2] : null);
    }
  }

  @Override
  public String toString() {
    return "MetalAction";
  }
}

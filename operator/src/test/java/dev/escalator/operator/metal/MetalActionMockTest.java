package dev.escalator.operator.metal;

import static dev.escalator.operator.metal.Hosts.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionProgress.State;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.api.HostProvisioningSpec;
import dev.escalator.operator.api.MetalActionSpec;
import dev.escalator.operator.api.MetalActionSpec.Strategy;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.metal.RedfishTestService.Repair;
import dev.escalator.operator.testing.SettableClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metal action on the in-process API server against simulated Redfish BMCs: each strategy's
 * exact BMC requests and effect on the host, what is recorded in the BareMetalHosts' status, ensure
 * and resume, and the BMC faults. BMC calls run on the calling thread here (a direct executor), so
 * each poll does all the BMC work that is ready and no test waits on a clock; one test runs them on
 * virtual threads to show a poll never waits for a BMC.
 */
@EnableKubernetesMockClient(crud = true)
class MetalActionMockTest {
  static KubernetesClient client;

  private final Map<String, RedfishTestService> bmcs = new LinkedHashMap<>();
  private final BmcDrivers drivers = new BmcDrivers();
  private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private MetalAction action;

  @BeforeEach
  void setUp() throws Exception {
    Hosts.createSecret(client);
    for (String name : List.of("web-1", "spare-a", "spare-b")) {
      RedfishTestService bmc = new RedfishTestService(Hosts.USER, Hosts.PASSWORD);
      bmcs.put(name, bmc);
      Hosts.create(client, Hosts.host(name, BmcProtocol.redfish, bmc.address(), "10.0.0." + (11 + bmcs.size())));
    }
    action = new MetalAction(client, drivers, clock, Runnable::run);
  }

  @AfterEach
  void tearDown() {
    bmcs.values().forEach(RedfishTestService::close);
    drivers.close();
    client.resources(BareMetalHost.class).inNamespace(NAMESPACE).delete();
    client.secrets().inNamespace(NAMESPACE).delete();
  }

  /** web-1 serves node web-1 of the environment, as a Tier level or an adoption would have left it. */
  private void web1Serves() throws Exception {
    String handle = action.start(Hosts.forNode("web-1", "e0", 1), spec(Strategy.powerCycle));
    finish(Hosts.forNode("web-1", "e0", 1), spec(Strategy.powerCycle), handle);
    bmcs.get("web-1").forget();
  }

  private static MetalActionSpec spec(Strategy... strategies) {
    MetalActionSpec spec = Hosts.spec();
    if (strategies.length > 0) spec.strategy = new ArrayList<>(List.of(strategies));
    return spec;
  }

  /** Polls until the action is no longer running; each poll here does the BMC work that is ready. */
  private ActionProgress finish(ActionRequest request, MetalActionSpec spec, String handle) throws Exception {
    for (int polls = 0; polls < 50; polls++) {
      ActionProgress p = action.poll(request, spec, handle);
      if (p.state() != State.RUNNING) return p;
    }
    throw new AssertionError("still running after 50 polls: " + action.poll(request, spec, handle).message());
  }

  private static BareMetalHost host(String name) {
    return Hosts.get(client, name);
  }

  @Test
  void aFailingNodeIsPowerCycledThenReprovisionedThenSwappedForASpareAcrossAttempts() throws Exception {
    web1Serves();
    MetalActionSpec spec = Hosts.spec(); // default strategy: powerCycle, reprovision, replace
    RedfishTestService web1 = bmcs.get("web-1");
    web1.faultFixedBy(Repair.REPLACEMENT); // its disk died: nothing done to it helps

    // Attempt 1: power-cycle.
    ActionRequest attempt1 = Hosts.forNode("web-1", "e1", 1);
    String h1 = action.start(attempt1, spec);
    assertThat(h1).isEqualTo("metal/powerCycle/web-1");
    ActionProgress p1 = finish(attempt1, spec, h1);
    assertThat(p1.state()).isEqualTo(State.SUCCEEDED);
    assertThat(web1.changes()).containsExactly(
        "POST " + RedfishTestService.RESET + " {\"ResetType\":\"ForceOff\"}",
        "POST " + RedfishTestService.RESET + " {\"ResetType\":\"On\"}");
    assertThat(host("web-1").getStatus().lastAction.stepsDone).extracting(s -> s.substring(0, s.indexOf(':')))
        .containsExactly("PowerOff", "AwaitPowerOff", "PowerOn", "AwaitUp");
    assertThat(web1.healthy()).isFalse();

    // Attempt 2: reprovision from PXE.
    ActionRequest attempt2 = Hosts.forNode("web-1", "e1", 2);
    String h2 = action.start(attempt2, spec);
    assertThat(h2).isEqualTo("metal/reprovision/web-1");
    assertThat(finish(attempt2, spec, h2).state()).isEqualTo(State.SUCCEEDED);
    assertThat(web1.changes()).hasSize(4).endsWith(
        "PATCH " + RedfishTestService.SYSTEM + " {\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Pxe\",\"BootSourceOverrideMode\":\"UEFI\"}}",
        "POST " + RedfishTestService.RESET + " {\"ResetType\":\"ForceRestart\"}");
    assertThat(web1.events()).containsSubsequence("boot override Once Pxe", "reset ForceRestart", "boot Pxe");
    assertThat(web1.healthy()).isFalse();

    // Attempt 3: a spare takes the node; web-1 is retired as failed and powered off.
    ActionRequest attempt3 = Hosts.forNode("web-1", "e1", 3);
    String h3 = action.start(attempt3, spec);
    assertThat(h3).isEqualTo("metal/replace/web-1/spare-a");
    ActionProgress p3 = finish(attempt3, spec, h3);
    assertThat(p3.state()).isEqualTo(State.SUCCEEDED);
    assertThat(p3.message()).contains("now on host spare-a").contains("host web-1 retired as failed and powered off");
    assertThat(p3.nodes()).containsExactly(new Node("web-1", "web", "10.0.0.13", "baremetalhost/spare-a"));
    RedfishTestService spare = bmcs.get("spare-a");
    assertThat(spare.events()).containsExactly("boot override Once Pxe", "reset ForceRestart", "boot Pxe");
    assertThat(spare.healthy()).isTrue();
    assertThat(web1.changes()).last().isEqualTo("POST " + RedfishTestService.RESET + " {\"ResetType\":\"ForceOff\"}");
    assertThat(web1.powerState()).isEqualTo("Off");
    assertThat(bmcs.get("spare-b").changes()).as("one spare is enough").isEmpty();

    // Recorded in the hosts' status: who holds what, and what was done to each, in order.
    BareMetalHost broken = host("web-1");
    assertThat(broken.getStatus().state).isEqualTo(HostState.failed);
    assertThat(broken.getStatus().claimedBy).isNull();
    assertThat(broken.getStatus().lastAction.action).isEqualTo("Retire");
    assertThat(broken.getStatus().lastAction.reason).contains("replaced by host spare-a for node web-1 of Environment storefront");
    assertThat(broken.getStatus().history).extracting(a -> a.action + ":" + a.outcome + ":" + a.run)
        .startsWith("Reprovision:Succeeded:" + attempt2.workName(), "PowerCycle:Succeeded:" + attempt1.workName());
    assertThat(broken.getStatus().conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("Retired");
    });
    BareMetalHost replacement = host("spare-a");
    assertThat(replacement.getStatus().state).isEqualTo(HostState.provisioned);
    assertThat(replacement.getStatus().claimedBy.node).isEqualTo("web-1");
    assertThat(replacement.getStatus().claimedBy.environment).isEqualTo(Hosts.ENVIRONMENT);
    assertThat(replacement.getStatus().claimedBy.run).isEqualTo(attempt3.workName());
    assertThat(replacement.getStatus().lastAction.action).isEqualTo("Provision");
    assertThat(replacement.getStatus().powerState).isEqualTo("On");
    assertThat(replacement.getStatus().conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
    });
  }

  @Test
  void aHungHostIsFixedByThePowerCycle() throws Exception {
    web1Serves();
    bmcs.get("web-1").faultFixedBy(Repair.POWER_CYCLE);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);

    ActionProgress done = finish(request, Hosts.spec(), action.start(request, Hosts.spec()));

    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(done.nodes()).containsExactly(new Node("web-1", "web", "10.0.0.12", "baremetalhost/web-1"));
    assertThat(bmcs.get("web-1").healthy()).isTrue();
  }

  @Test
  void reprovisionFromVirtualMediaInsertsTheImageAndBootsTheCdOnce() throws Exception {
    web1Serves();
    MetalActionSpec spec = spec(Strategy.reprovision);
    spec.bootTarget = HostProvisioningSpec.BootTarget.virtualMedia;
    spec.image = "http://images.example/web-2026.03.iso";
    bmcs.get("web-1").faultFixedBy(Repair.REPROVISION);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);

    assertThat(finish(request, spec, action.start(request, spec)).state()).isEqualTo(State.SUCCEEDED);

    RedfishTestService web1 = bmcs.get("web-1");
    assertThat(web1.changes()).containsExactly(
        "POST " + RedfishTestService.CD + "/Actions/VirtualMedia.InsertMedia {\"Image\":\"http://images.example/web-2026.03.iso\",\"Inserted\":true,\"WriteProtected\":true}",
        "PATCH " + RedfishTestService.SYSTEM + " {\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Cd\",\"BootSourceOverrideMode\":\"UEFI\"}}",
        "POST " + RedfishTestService.RESET + " {\"ResetType\":\"ForceRestart\"}");
    assertThat(web1.events()).endsWith("boot Cd http://images.example/web-2026.03.iso");
    assertThat(web1.healthy()).isTrue();
    assertThat(host("web-1").getStatus().lastAction.steps).containsExactly("InsertMedia", "SetBootOnce", "Reset", "AwaitUp");
  }

  @Test
  void virtualMediaWithoutAnImageFailsTheStepNamingTheFields() throws Exception {
    web1Serves();
    MetalActionSpec spec = spec(Strategy.reprovision);
    spec.bootTarget = HostProvisioningSpec.BootTarget.virtualMedia;

    assertThatThrownBy(() -> action.start(Hosts.forNode("web-1", "e1", 1), spec))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("virtualMedia needs an image (metal.image or the host's spec.provisioning.image)");
  }

  @Test
  void startingTwiceForOneRunDoesTheWorkOnce() throws Exception {
    web1Serves();
    MetalActionSpec spec = Hosts.spec();
    ActionRequest replace = Hosts.forNode("web-1", "e1", 3);

    String first = action.start(replace, spec);
    String second = new MetalAction(client, drivers, clock, Runnable::run).start(replace, spec);

    assertThat(second).isEqualTo(first).isEqualTo("metal/replace/web-1/spare-a");
    assertThat(host("spare-b").getStatus().claimedBy).as("no second spare").isNull();
    assertThat(host("spare-a").getStatus().history).as("the Provision was begun once").isEmpty();
    ActionRequest cycle = Hosts.forNode("web-1", "e2", 1);
    assertThat(action.start(cycle, spec)).isEqualTo(action.start(cycle, spec));
  }

  @Test
  void aRestartedOperatorResumesAtTheRecordedStepWithoutRepeatingDoneOnes() throws Exception {
    web1Serves();
    RedfishTestService web1 = bmcs.get("web-1");
    web1.transitionReads = 3;
    MetalActionSpec spec = spec(Strategy.powerCycle);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);
    String handle = action.start(request, spec);
    action.poll(request, spec, handle); // ForceOff sent; the host is PoweringOff
    assertThat(host("web-1").getStatus().lastAction.step).isEqualTo("AwaitPowerOff");

    MetalAction restarted = new MetalAction(client, drivers, clock, Runnable::run);
    ActionProgress done = null;
    for (int i = 0; i < 20 && (done == null || done.state() == State.RUNNING); i++) done = restarted.poll(request, spec, handle);

    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(web1.changes()).containsExactly(
        "POST " + RedfishTestService.RESET + " {\"ResetType\":\"ForceOff\"}",
        "POST " + RedfishTestService.RESET + " {\"ResetType\":\"On\"}");
  }

  @Test
  void aPowerStateThatNeverArrivesFailsAfterThePowerTimeoutWithWhatTheBmcSaid() throws Exception {
    web1Serves();
    bmcs.get("web-1").stuckPower = true;
    MetalActionSpec spec = spec(Strategy.powerCycle);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);
    String handle = action.start(request, spec);

    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.RUNNING);
    clock.advance(Duration.ofMinutes(4));
    ActionProgress stillWaiting = action.poll(request, spec, handle);
    assertThat(stillWaiting.state()).isEqualTo(State.RUNNING);
    assertThat(stillWaiting.message()).contains("step AwaitPowerOff: On");
    clock.advance(Duration.ofMinutes(2));
    ActionProgress failed = action.poll(request, spec, handle);

    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("PowerCycle of host web-1").contains("step AwaitPowerOff")
        .contains("redfish BMC " + bmcs.get("web-1").address() + " still reports On").contains("(limit 300s)");
    BareMetalHost host = host("web-1");
    assertThat(host.getStatus().lastAction.outcome).isEqualTo("Failed");
    assertThat(host.getStatus().state).isEqualTo(HostState.claimed);
    assertThat(host.getStatus().conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getReason()).isEqualTo("PowerCycleFailed");
    });
  }

  @Test
  void aBmcThatIsDownForAWhileIsRetriedAndOneThatStaysDownFailsTheStep() throws Exception {
    web1Serves();
    RedfishTestService web1 = bmcs.get("web-1");
    MetalActionSpec spec = spec(Strategy.powerCycle);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);
    String handle = action.start(request, spec);
    web1.down();

    ActionProgress retrying = action.poll(request, spec, handle);
    assertThat(retrying.state()).isEqualTo(State.RUNNING);
    assertThat(retrying.message()).contains("step PowerOff: will retry").contains("cannot connect");
    assertThat(host("web-1").getStatus().lastAction.message).contains("will retry");
    web1.up();
    assertThat(finish(request, spec, handle).state()).isEqualTo(State.SUCCEEDED);

    ActionRequest next = Hosts.forNode("web-1", "e2", 1);
    String again = action.start(next, spec);
    web1.down();
    assertThat(action.poll(next, spec, again).state()).isEqualTo(State.RUNNING);
    clock.advance(Duration.ofMinutes(6));
    ActionProgress failed = action.poll(next, spec, again);
    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("cannot connect").contains("retried for 360s, limit 300s");
  }

  @Test
  void aServerErrorIsRetriedAtTheNextPoll() throws Exception {
    web1Serves();
    RedfishTestService web1 = bmcs.get("web-1");
    web1.failNext(1, 500, r -> r.path().equals(RedfishTestService.RESET));
    MetalActionSpec spec = spec(Strategy.powerCycle);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);

    ActionProgress done = finish(request, spec, action.start(request, spec));

    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(web1.requests().stream().filter(r -> r.path().equals(RedfishTestService.RESET))).hasSize(3);
  }

  @Test
  void wrongCredentialsFailAtOnceWithoutShowingThem() throws Exception {
    web1Serves();
    client.secrets().inNamespace(NAMESPACE).withName(Hosts.SECRET).edit(s -> {
      s.setData(null);
      s.setStringData(Map.of("username", Hosts.USER, "password", "not-the-" + Hosts.PASSWORD));
      return s;
    });
    MetalActionSpec spec = spec(Strategy.powerCycle);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);

    ActionProgress failed = finish(request, spec, action.start(request, spec));

    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.message()).contains("wrong username or password").doesNotContain(Hosts.PASSWORD);
    assertThat(host("web-1").getStatus().toString()).doesNotContain(Hosts.PASSWORD);
  }

  @Test
  void anAcceptedResetIsFollowedThroughItsTaskMonitor() throws Exception {
    web1Serves();
    RedfishTestService web1 = bmcs.get("web-1");
    web1.asyncResets = true;
    web1.taskReads = 2;
    MetalActionSpec spec = spec(Strategy.reprovision);
    ActionRequest request = Hosts.forNode("web-1", "e1", 1);

    assertThat(finish(request, spec, action.start(request, spec)).state()).isEqualTo(State.SUCCEEDED);

    assertThat(web1.requests()).anySatisfy(r -> assertThat(r.path()).startsWith("/redfish/v1/TaskService/TaskMonitors/"));
    assertThat(host("web-1").getStatus().lastAction.stepsDone).anySatisfy(s -> assertThat(s).startsWith("Reset: task /redfish/v1/TaskService/TaskMonitors/"));
  }

  @Test
  void noSpareLeftFailsTheStepWithThePoolsCounts() throws Exception {
    web1Serves();
    MetalActionSpec spec = Hosts.spec();
    spec.hostSelector = Map.of("gpu", "a100");

    assertThatThrownBy(() -> action.start(Hosts.forNode("web-1", "e1", 3), spec))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("node web-1 needs a spare to replace host web-1, but pool web in namespace metal has no available host matching {gpu=a100}")
        .hasMessageContaining("(3 hosts: 2 available, 0 failed, 1 in use)");
  }

  @Test
  void aNodeWithoutAHostGetsASpareProvisioned() throws Exception {
    ActionRequest request = Hosts.forNode("web-2", "e1", 1);

    String handle = action.start(request, Hosts.spec());
    ActionProgress done = finish(request, Hosts.spec(), handle);

    assertThat(handle).isEqualTo("metal/provision/spare-a");
    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(done.nodes()).containsExactly(new Node("web-2", "web", "10.0.0.13", "baremetalhost/spare-a"));
    assertThat(bmcs.get("spare-a").events()).containsExactly("boot override Once Pxe", "reset ForceRestart", "boot Pxe");
  }

  @Test
  void aTierLevelGivesEveryNodeOfTheTierAProvisionedHost() throws Exception {
    ActionRequest request = Hosts.forTier("web", 2);
    MetalActionSpec spec = Hosts.spec();

    String handle = action.start(request, spec);
    ActionProgress done = finish(request, spec, handle);

    assertThat(handle).isEqualTo("metal/tier/web");
    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    // web-1 is a host named like node web-1: the claim prefers it.
    assertThat(done.nodes()).containsExactlyInAnyOrder(
        new Node("web-1", "web", "10.0.0.12", "baremetalhost/web-1"),
        new Node("web-2", "web", "10.0.0.13", "baremetalhost/spare-a"));
    assertThat(host("spare-b").getStatus().claimedBy).isNull();

    // Run again: the tier is whole, nothing is touched.
    ActionRequest again = new ActionRequest(request.environment(), "e2", 1, 1, "build-tier", request.target(), request.inventory());
    int before = bmcs.values().stream().mapToInt(b -> b.changes().size()).sum();
    assertThat(finish(again, spec, action.start(again, spec)).state()).isEqualTo(State.SUCCEEDED);
    assertThat(bmcs.values().stream().mapToInt(b -> b.changes().size()).sum()).isEqualTo(before);
  }

  @Test
  void aPollNeverWaitsForTheBmc() throws Exception {
    web1Serves();
    ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    try {
      MetalAction async = new MetalAction(client, drivers, clock, calls);
      CountDownLatch[] hold = bmcs.get("web-1").holdResets();
      MetalActionSpec spec = spec(Strategy.powerCycle);
      ActionRequest request = Hosts.forNode("web-1", "e1", 1);
      String handle = async.start(request, spec);

      // The Reset is held by the BMC until the test releases it; polls return meanwhile.
      ActionProgress waiting = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> async.poll(request, spec, handle));
      assertThat(waiting.state()).isEqualTo(State.RUNNING);
      assertThat(hold[0].await(10, TimeUnit.SECONDS)).isTrue();
      ActionProgress stillWaiting = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> async.poll(request, spec, handle));
      assertThat(stillWaiting.message()).contains("step PowerOff: waiting for the BMC");
      hold[1].countDown();

      AtomicReference<ActionProgress> last = new AtomicReference<>();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
        last.set(async.poll(request, spec, handle));
        return last.get().state() != State.RUNNING;
      });
      assertThat(last.get().state()).isEqualTo(State.SUCCEEDED);
    } finally {
      calls.shutdownNow();
    }
  }

  @Test
  void anEnvironmentScopedLevelIsRefused() {
    ActionRequest request = new ActionRequest(Hosts.environment(), "e1", 1, 1, "metal", dev.escalator.operator.ladder.Target.environment(), List.of());

    assertThatThrownBy(() -> action.start(request, Hosts.spec())).isInstanceOf(ActionFailedException.class).hasMessageContaining("Node or Tier");
  }

  @Test
  void strategiesAreChosenByAttemptAndTheLastRepeats() {
    MetalActionSpec spec = spec(Strategy.reprovision, Strategy.replace);

    assertThat(MetalAction.strategy(spec, 1)).isEqualTo(Strategy.reprovision);
    assertThat(MetalAction.strategy(spec, 2)).isEqualTo(Strategy.replace);
    assertThat(MetalAction.strategy(spec, 7)).isEqualTo(Strategy.replace);
    assertThat(MetalAction.strategy(Hosts.spec(), 2)).isEqualTo(Strategy.reprovision);
  }
}

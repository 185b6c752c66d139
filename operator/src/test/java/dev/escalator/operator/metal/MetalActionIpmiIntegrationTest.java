package dev.escalator.operator.metal;

import static dev.escalator.operator.metal.Hosts.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionProgress.State;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.api.MetalActionSpec;
import dev.escalator.operator.api.MetalActionSpec.Strategy;
import dev.escalator.operator.api.MetalTimeoutsSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metal action on a host whose BMC is a real IPMI 2.0 BMC (OpenIPMI's ipmi_sim): the
 * power-cycle and the PXE reprovision reach the chassis as the power and boot-device requests
 * ipmi_sim hands its chassis program. Needs: apt-get install -y openipmi ipmitool.
 */
@Tag("integration")
@EnableKubernetesMockClient(crud = true)
class MetalActionIpmiIntegrationTest {
  static KubernetesClient client;

  /** IPMI 2.0 passwords are at most 20 bytes. */
  private static final String PASSWORD = "ipmi-host-pa55";

  @TempDir Path dir;
  private IpmiSimulator sim;
  private final BmcDrivers drivers = new BmcDrivers();
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private MetalAction action;

  @BeforeEach
  void setUp() throws Exception {
    sim = IpmiSimulator.start(dir, PASSWORD);
    client.secrets().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName(Hosts.SECRET).withNamespace(NAMESPACE).endMetadata()
        .addToStringData("username", IpmiSimulator.USER).addToStringData("password", PASSWORD)
        .build()).create();
    Hosts.create(client, Hosts.host("web-1", BmcProtocol.ipmi, sim.address(), "10.0.0.11"));
    action = new MetalAction(client, drivers, Clock.systemUTC(), calls);
  }

  @AfterEach
  void tearDown() {
    calls.shutdownNow();
    drivers.close();
    if (sim != null) sim.close();
    client.resources(BareMetalHost.class).inNamespace(NAMESPACE).delete();
    client.secrets().inNamespace(NAMESPACE).delete();
  }

  private static MetalActionSpec spec(Strategy strategy) {
    MetalActionSpec spec = Hosts.spec();
    spec.strategy = new ArrayList<>(List.of(strategy));
    // ipmi_sim does not answer Get Channel Cipher Suites: each ipmitool run waits a third of this first.
    spec.timeouts = new MetalTimeoutsSpec();
    spec.timeouts.bmcCall = "3s";
    return spec;
  }

  private ActionProgress finish(ActionRequest request, MetalActionSpec spec, String handle) {
    AtomicReference<ActionProgress> last = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      last.set(action.poll(request, spec, handle));
      return last.get().state() != State.RUNNING;
    });
    return last.get();
  }

  @Test
  void powerCycleAndReprovisionReachTheChassis() throws Exception {
    ActionRequest cycle = Hosts.forNode("web-1", "e1", 1);
    MetalActionSpec powerCycle = spec(Strategy.powerCycle);

    ActionProgress cycled = finish(cycle, powerCycle, action.start(cycle, powerCycle));

    assertThat(cycled.state()).as(cycled.message()).isEqualTo(State.SUCCEEDED);
    assertThat(sim.events()).containsExactly("set power 0", "set power 1");
    assertThat(Hosts.get(client, "web-1").getStatus().powerState).isEqualTo("On");

    ActionRequest reprovision = Hosts.forNode("web-1", "e1", 2);
    MetalActionSpec pxe = spec(Strategy.reprovision);
    ActionProgress reinstalled = finish(reprovision, pxe, action.start(reprovision, pxe));

    assertThat(reinstalled.state()).as(reinstalled.message()).isEqualTo(State.SUCCEEDED);
    assertThat(sim.events()).containsExactly("set power 0", "set power 1", "set boot pxe", "set reset 1");
    assertThat(Hosts.get(client, "web-1").getStatus().lastAction.stepsDone)
        .containsExactly("SetBootOnce: ipmitool chassis bootdev pxe options=efiboot", "Reset: ipmitool power reset", "AwaitUp: BMC reports On");
  }

  @Test
  void aHostFoundOffIsPoweredOnByTheReprovision() throws Exception {
    sim.setPower(false);
    ActionRequest reprovision = Hosts.forNode("web-1", "e1", 2);
    MetalActionSpec pxe = spec(Strategy.reprovision);

    assertThat(finish(reprovision, pxe, action.start(reprovision, pxe)).state()).isEqualTo(State.SUCCEEDED);

    assertThat(sim.events()).containsExactly("set boot pxe", "set power 1");
    assertThat(sim.powered()).isTrue();
  }
}

package dev.escalator.operator.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.metal.BmcException.Kind;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPMI driver against a real IPMI 2.0 BMC: OpenIPMI's ipmi_sim, whose chassis requests the
 * test reads. ipmi_sim does not answer Get Channel Cipher Suites, so every ipmitool run first
 * waits out one try (-N, a third of the call timeout) before it falls back: the 3 s timeouts here
 * keep that to a second per call.
 */
@Tag("integration")
class IpmiBmcIntegrationTest {
  /** IPMI 2.0 passwords are at most 20 bytes. */
  private static final String PASSWORD = "ipmi-pa55-n0t-shown";

  @TempDir Path dir;
  private IpmiSimulator sim;
  private IpmiBmc bmc;

  @BeforeEach
  void setUp() throws Exception {
    sim = IpmiSimulator.start(dir, PASSWORD);
    bmc = new IpmiBmc(IpmiBmc.DEFAULT_TOOL, sim.address(), new BmcCredentials(IpmiSimulator.USER, PASSWORD), Duration.ofSeconds(3));
  }

  @AfterEach
  void tearDown() {
    if (sim != null) sim.close();
  }

  @Test
  void powerOffAndOnReachTheChassis() throws Exception {
    assertThat(bmc.power().state()).isEqualTo(PowerState.ON);

    bmc.power(PowerAction.FORCE_OFF);
    assertThat(bmc.power().state()).isEqualTo(PowerState.OFF);
    assertThat(sim.powered()).isFalse();
    bmc.power(PowerAction.ON);

    assertThat(bmc.power().state()).isEqualTo(PowerState.ON);
    assertThat(sim.events()).containsExactly("set power 0", "set power 1");
  }

  @Test
  void resetAndCycleAreTheChassisControlsOfThoseNames() throws Exception {
    bmc.power(PowerAction.FORCE_RESTART);
    bmc.power(PowerAction.POWER_CYCLE);

    // ipmi_sim turns a power cycle into power off now and power on a second later.
    assertThat(sim.events()).startsWith("set reset 1", "set power 0");
  }

  @Test
  void bootOverrideIsAOneTimeBootDevice() throws Exception {
    BmcReply pxe = bmc.bootOnce(BootDevice.PXE, true);
    bmc.bootOnce(BootDevice.CD, false);

    assertThat(pxe.call()).isEqualTo("ipmitool chassis bootdev pxe options=efiboot");
    assertThat(sim.events()).containsExactly("set boot pxe", "set boot cdrom");
  }

  @Test
  void theHostPoweredOffBehindOurBackIsSeen() throws Exception {
    sim.setPower(false);

    assertThat(bmc.power().state()).isEqualTo(PowerState.OFF);
  }

  @Test
  void wrongPasswordIsUnauthorizedAndNeverShown() {
    IpmiBmc wrong = new IpmiBmc(IpmiBmc.DEFAULT_TOOL, sim.address(), new BmcCredentials(IpmiSimulator.USER, "wr0ng-pa55-n0t-shown"), Duration.ofSeconds(3));

    assertThatThrownBy(wrong::power)
        .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
        .hasMessageContaining("IPMI BMC 127.0.0.1:")
        .hasMessageContaining("ipmitool power status")
        .hasMessageContaining("RAKP 2 HMAC is invalid")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void aBmcThatDoesNotAnswerIsUnreachable() throws Exception {
    int silent;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      silent = socket.getLocalPort();
    }
    IpmiBmc nobody = new IpmiBmc(IpmiBmc.DEFAULT_TOOL, "127.0.0.1:" + silent, new BmcCredentials(IpmiSimulator.USER, PASSWORD), Duration.ofSeconds(3));

    assertThatThrownBy(nobody::power)
        .isInstanceOfSatisfying(BmcException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
          assertThat(e.isTransient()).isTrue();
        });
  }

  @Test
  void virtualMediaIsUnsupportedOverIpmi() {
    assertThatThrownBy(() -> bmc.insertMedia("http://images.example/installer.iso"))
        .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("IPMI has no standard virtual media");
    assertThat(bmc.command("power status")).doesNotContain(PASSWORD).contains("-E");
  }
}

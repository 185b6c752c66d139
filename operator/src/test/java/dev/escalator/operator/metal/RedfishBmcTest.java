package dev.escalator.operator.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.api.BmcProtocol;
import dev.escalator.operator.metal.BmcException.Kind;
import dev.escalator.operator.metal.RedfishTestService.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redfish driver against the test Redfish service: the requests it makes, and each fault it meets. */
class RedfishBmcTest {
  private static final String USER = "escalator";
  private static final String PASSWORD = "pa55-w0rd-never-shown";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final BmcDrivers drivers = new BmcDrivers();
  private RedfishTestService bmc;

  @BeforeEach
  void setUp() throws Exception {
    bmc = new RedfishTestService(USER, PASSWORD);
  }

  @AfterEach
  void tearDown() {
    bmc.close();
    drivers.close();
  }

  private Bmc driver() {
    return driver(bmc.address(), PASSWORD, CALL_TIMEOUT, false);
  }

  private Bmc driver(String address, String password, Duration timeout, boolean insecure) {
    return drivers.connect(new BmcTarget(BmcProtocol.redfish, address, new BmcCredentials(USER, password), insecure, timeout));
  }

  @Test
  void readsPowerAndBootProgressThroughASession() throws Exception {
    HostPower power = driver().power();

    assertThat(power.state()).isEqualTo(PowerState.ON);
    assertThat(power.bootProgress()).isEqualTo("OSRunning");
    assertThat(power.up()).isTrue();
    List<Request> requests = bmc.requests();
    assertThat(requests).extracting(r -> r.method() + " " + r.path())
        .containsExactly("GET /redfish/v1", "POST " + RedfishTestService.SESSIONS, "GET /redfish/v1/Systems", "GET " + RedfishTestService.SYSTEM);
    assertThat(requests.get(0).token()).as("the service root is read without credentials").isFalse();
    assertThat(requests.get(1).body()).contains("\"UserName\":\"escalator\"");
    assertThat(requests.subList(2, 4)).allSatisfy(r -> {
      assertThat(r.token()).isTrue();
      assertThat(r.basic()).as("the password travels once, at login").isFalse();
    });
  }

  @Test
  void forceOffIsAResetActionAndThePowerStatePassesThroughPoweringOff() throws Exception {
    Bmc driver = driver();

    BmcReply reply = driver.power(PowerAction.FORCE_OFF);

    assertThat(reply.taskMonitor()).isNull();
    assertThat(bmc.changes()).containsExactly("POST " + RedfishTestService.RESET + " {\"ResetType\":\"ForceOff\"}");
    assertThat(driver.power().state()).isEqualTo(PowerState.POWERING_OFF);
    assertThat(driver.power().state()).isEqualTo(PowerState.OFF);
    driver.power(PowerAction.ON);
    assertThat(driver.power().state()).isEqualTo(PowerState.POWERING_ON);
    HostPower booting = driver.power();
    assertThat(booting.state()).isEqualTo(PowerState.ON);
    assertThat(booting.up()).as("on, but the OS is still booting").isFalse();
    assertThat(driver.power().up()).isTrue();
    assertThat(bmc.events()).containsExactly("reset ForceOff", "power Off", "reset On", "power On", "boot Hdd");
  }

  @Test
  void bootOverrideIsAPatchWithIfMatchAndIsNotRepeatedOnceSet() throws Exception {
    Bmc driver = driver();

    driver.bootOnce(BootDevice.PXE, true);
    BmcReply again = driver.bootOnce(BootDevice.PXE, true);

    List<Request> patches = bmc.requests().stream().filter(r -> r.method().equals("PATCH")).toList();
    assertThat(patches).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(RedfishTestService.SYSTEM);
      assertThat(p.body()).isEqualTo("{\"Boot\":{\"BootSourceOverrideEnabled\":\"Once\",\"BootSourceOverrideTarget\":\"Pxe\",\"BootSourceOverrideMode\":\"UEFI\"}}");
      assertThat(p.ifMatch()).isEqualTo("W/\"1\"");
    });
    assertThat(again.call()).contains("already set");
    driver.power(PowerAction.FORCE_RESTART);
    assertThat(bmc.events()).containsExactly("boot override Once Pxe", "reset ForceRestart", "boot Pxe");
  }

  @Test
  void aLostIfMatchRaceIsReadAgainOnce() throws Exception {
    bmc.failNext(1, 412, r -> r.method().equals("PATCH"));

    driver().bootOnce(BootDevice.CD, false);

    assertThat(bmc.requests().stream().filter(r -> r.method().equals("PATCH"))).hasSize(2);
    assertThat(bmc.events()).containsExactly("boot override Once Cd");
  }

  @Test
  void insertsTheImageIntoTheManagersCdNotItsUsbStick() throws Exception {
    Bmc driver = driver();

    driver.insertMedia("http://images.example/installer-1.iso");
    BmcReply again = driver.insertMedia("http://images.example/installer-1.iso");
    driver.insertMedia("http://images.example/installer-2.iso");

    assertThat(again.call()).contains("already inserted");
    assertThat(bmc.changes()).containsExactly(
        "POST " + RedfishTestService.CD + "/Actions/VirtualMedia.InsertMedia {\"Image\":\"http://images.example/installer-1.iso\",\"Inserted\":true,\"WriteProtected\":true}",
        "POST " + RedfishTestService.CD + "/Actions/VirtualMedia.EjectMedia {}",
        "POST " + RedfishTestService.CD + "/Actions/VirtualMedia.InsertMedia {\"Image\":\"http://images.example/installer-2.iso\",\"Inserted\":true,\"WriteProtected\":true}");
    driver.ejectMedia();
    assertThat(bmc.events()).containsExactly("insert http://images.example/installer-1.iso", "eject http://images.example/installer-1.iso",
        "insert http://images.example/installer-2.iso", "eject http://images.example/installer-2.iso");
  }

  @Test
  void anAcceptedResetHandsBackItsTaskMonitor() throws Exception {
    bmc.asyncResets = true;
    bmc.taskReads = 2;
    Bmc driver = driver();

    BmcReply reply = driver.power(PowerAction.FORCE_RESTART);

    assertThat(reply.taskMonitor()).startsWith("/redfish/v1/TaskService/TaskMonitors/");
    assertThat(driver.task(reply.taskMonitor()).finished()).isFalse();
    assertThat(driver.task(reply.taskMonitor()).finished()).isFalse();
    BmcTask done = driver.task(reply.taskMonitor());
    assertThat(done.finished()).isTrue();
    assertThat(done.succeeded()).isTrue();
    assertThat(done.message()).contains("Completed");
    assertThat(driver.task(reply.taskMonitor()).succeeded()).as("a monitor that is gone means the task ended").isTrue();
  }

  @Test
  void aServerErrorIsTransientAndNamesTheCallAndTheRedfishError() {
    bmc.failNext(1, 500, r -> r.path().equals(RedfishTestService.RESET));

    assertThatThrownBy(() -> driver().power(PowerAction.FORCE_OFF))
        .isInstanceOfSatisfying(BmcException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.BMC_ERROR);
          assertThat(e.isTransient()).isTrue();
        })
        .hasMessageContaining("Redfish BMC " + bmc.address())
        .hasMessageContaining("POST " + RedfishTestService.RESET + " {ResetType: ForceOff}")
        .hasMessageContaining("answered 500: Base.1.8.GeneralError: injected failure");
  }

  @Test
  void wrongCredentialsAreNotRetriedAndNeverShown() {
    assertThatThrownBy(() -> driver(bmc.address(), "wrong-" + PASSWORD, CALL_TIMEOUT, false).power())
        .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
        .hasMessageContaining("log in as escalator")
        .hasMessageContaining("wrong username or password")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void aBmcThatIsDownIsUnreachableAndItsRestartForgetsTheSession() throws Exception {
    Bmc driver = driver();
    driver.power();
    bmc.down();

    assertThatThrownBy(driver::power)
        .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
        .hasMessageContaining("cannot connect");

    bmc.up();
    assertThat(driver.power().state()).isEqualTo(PowerState.ON);
    List<Request> afterRestart = bmc.requests().subList(4, bmc.requests().size());
    assertThat(afterRestart).extracting(r -> r.method() + " " + r.path())
        .as("the old token is refused once, then the driver logs in again")
        .containsExactly("GET " + RedfishTestService.SYSTEM, "POST " + RedfishTestService.SESSIONS, "GET " + RedfishTestService.SYSTEM);
  }

  @Test
  void aResetThatDoesNotAnswerTimesOut() throws Exception {
    CountDownLatch[] hold = bmc.holdResets();
    Bmc driver = driver(bmc.address(), PASSWORD, Duration.ofMillis(500), false);
    driver.power();

    CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
      try {
        driver.power(PowerAction.FORCE_RESTART);
        return null;
      } catch (BmcException e) {
        return e;
      }
    });

    assertThat(hold[0].await(5, TimeUnit.SECONDS)).isTrue();
    Throwable e = failure.get(10, TimeUnit.SECONDS);
    hold[1].countDown();
    assertThat(e).isInstanceOfSatisfying(BmcException.class, b -> assertThat(b.kind()).isEqualTo(Kind.TIMEOUT))
        .hasMessageContaining("no answer within 500ms");
  }

  @Test
  void withoutASessionServiceEveryCallUsesBasicAuth() throws Exception {
    bmc.sessionsEnabled = false;

    driver().power();

    assertThat(bmc.requests()).filteredOn(r -> !r.path().equals("/redfish/v1")).allSatisfy(r -> {
      assertThat(r.basic()).isTrue();
      assertThat(r.token()).isFalse();
    });
  }

  @Test
  void aResetTypeTheBmcDoesNotAllowIsUnsupported() {
    bmc.allowedResetTypes = Set.of("On", "ForceOff", "GracefulShutdown");

    assertThatThrownBy(() -> driver().power(PowerAction.POWER_CYCLE))
        .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("ResetType PowerCycle is not allowed here");
    assertThat(bmc.changes()).isEmpty();
  }

  @Test
  void theSystemPathInTheAddressSkipsTheSystemsCollection() throws Exception {
    driver(bmc.address() + RedfishTestService.SYSTEM, PASSWORD, CALL_TIMEOUT, false).power();

    assertThat(bmc.requests()).extracting(Request::path).doesNotContain("/redfish/v1/Systems");
  }

  @Test
  void aSelfSignedBmcIsRefusedUnlessInsecureSkipVerify(@TempDir Path dir) throws Exception {
    try (RedfishTestService https = new RedfishTestService(USER, PASSWORD, TestTls.selfSigned(dir))) {
      assertThat(https.address()).startsWith("https://");

      assertThatThrownBy(() -> driver(https.address(), PASSWORD, CALL_TIMEOUT, false).power())
          .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessageContaining("SSLHandshakeException");
      assertThat(driver(https.address(), PASSWORD, CALL_TIMEOUT, true).power().state()).isEqualTo(PowerState.ON);
    }
  }

  @Test
  void addressesThatAreNotRedfishUrlsAreRefusedUpFront() {
    assertThatThrownBy(() -> driver("ftp://10.0.0.5", PASSWORD, CALL_TIMEOUT, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> driver("https://root:secret@10.0.0.5", PASSWORD, CALL_TIMEOUT, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without credentials");
  }
}

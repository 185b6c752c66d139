package dev.escalator.operator.metal;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * OpenIPMI's {@code ipmi_sim} as a real IPMI 2.0 BMC on 127.0.0.1 (UDP), started and stopped by
 * the test. Its chassis is a small shell program ({@code chassis_control} in lan.conf) that
 * ipmi_sim runs for every power, reset and boot-device request: it keeps the power state in a
 * file and appends each request to an event log the test reads ({@code set power 0}, {@code set
 * boot pxe}, ...).
 */
final class IpmiSimulator implements AutoCloseable {
  static final String USER = "escalator";

  private final Path dir;
  private final Process process;
  private final int port;

  private IpmiSimulator(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** Skips the calling test (with a message naming the package) when ipmi_sim or ipmitool is not installed. */
  static void assumeInstalled() {
    for (String tool : List.of("ipmi_sim", "ipmitool")) {
      Assumptions.assumeTrue(onPath(tool), tool + " is not installed: apt-get install -y openipmi ipmitool");
    }
  }

  static IpmiSimulator start(Path dir, String password) throws IOException {
    assumeInstalled();
    int port = freeUdpPort();
    Path chassis = dir.resolve("chassis-control");
    Files.writeString(chassis, """
        #!/bin/sh
        # ipmi_sim runs: chassis-control <mc> get <parm>... | set <parm> <value>...
        dir="$(dirname "$0")"
        [ -f "$dir/power" ] || echo 1 > "$dir/power"
        [ -f "$dir/boot" ] || echo default > "$dir/boot"
        mc="$1"; op="$2"; shift 2
        if [ "$op" = get ]; then
          for parm in "$@"; do
            case "$parm" in
              power) echo "power:$(cat "$dir/power")" ;;
              boot) echo "boot:$(cat "$dir/boot")" ;;
            esac
          done
          exit 0
        fi
        while [ $# -ge 2 ]; do
          echo "$op $1 $2" >> "$dir/events"
          case "$1" in
            power) echo "$2" > "$dir/power" ;;
            boot) echo "$2" > "$dir/boot" ;;
          esac
          shift 2
        done
        """);
    Files.setPosixFilePermissions(chassis, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("lan.conf"), """
        name "escalator-test-bmc"
        set_working_mc 0x20
          startlan 1
            addr 127.0.0.1 %d
            priv_limit admin
            allowed_auths_callback none md2 md5 straight
            allowed_auths_user none md2 md5 straight
            allowed_auths_operator none md2 md5 straight
            allowed_auths_admin none md2 md5 straight
            guid a123456789abcdefa123456789abcdef
          endlan
          chassis_control "%s 0x20"
          user 2 true "%s" "%s" admin 10 none md2 md5 straight
        """.formatted(port, chassis, USER, password));
    Files.writeString(dir.resolve("bmc.emu"), """
        mc_setbmc 0x20
        mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
        mc_enable 0x20
        """);
    Path state = Files.createDirectories(dir.resolve("state"));
    Process process = new ProcessBuilder("ipmi_sim", "-c", dir.resolve("lan.conf").toString(), "-f", dir.resolve("bmc.emu").toString(),
            "-s", state.toString(), "-n")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("ipmi_sim.log").toFile())
        .start();
    IpmiSimulator sim = new IpmiSimulator(dir, process, port);
    try {
      // Ready when a real client gets an answer: the edge of the test, so Awaitility.
      IpmiBmc probe = new IpmiBmc(IpmiBmc.DEFAULT_TOOL, sim.address(), new BmcCredentials(USER, password), Duration.ofSeconds(3));
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsMatching(e -> e instanceof BmcException b && b.isTransient()).until(() -> {
        if (!process.isAlive()) throw new IllegalStateException("ipmi_sim exited: " + Files.readString(dir.resolve("ipmi_sim.log")));
        probe.power();
        return true;
      });
      Files.deleteIfExists(dir.resolve("events"));
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    return sim;
  }

  /** The address for spec.bmc.address. */
  String address() {
    return "127.0.0.1:" + port;
  }

  /** Chassis requests ipmi_sim handed to the chassis program, in order ({@code set power 0}, ...). */
  List<String> events() throws IOException {
    Path events = dir.resolve("events");
    return Files.exists(events) ? Files.readAllLines(events) : List.of();
  }

  /** The simulated chassis power: what the BMC will report. */
  boolean powered() throws IOException {
    return Files.readString(dir.resolve("power")).strip().equals("1");
  }

  void setPower(boolean on) throws IOException {
    Files.writeString(dir.resolve("power"), on ? "1\n" : "0\n");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
    }
    return false;
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

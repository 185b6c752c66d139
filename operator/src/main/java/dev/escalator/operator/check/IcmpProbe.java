package dev.escalator.operator.check;

import dev.escalator.operator.api.IcmpProbeSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real ICMP echo, sent by the iputils {@code ping} binary: the JDK cannot open a raw or ICMP
 * datagram socket, and {@code InetAddress.isReachable} silently falls back to a TCP connect to port
 * 7, which is not what a user asking for "ping" means. The binary needs CAP_NET_RAW, or the
 * operator's group inside {@code net.ipv4.ping_group_range}; without either the probe is ERROR (it
 * could not observe), never FAIL.
 */
public final class IcmpProbe implements Probe<IcmpProbeSpec> {
  static final String WHAT_IS_NEEDED =
      "the operator needs the iputils-ping package and either the CAP_NET_RAW capability or its group in"
          + " the net.ipv4.ping_group_range sysctl";

  /** Host names and addresses only: a leading '-' would be read by ping as an option. */
  private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9_.:%\\[\\]][A-Za-z0-9_.:%\\[\\]-]*$");

  /** Slack over ping's own deadline before the process is killed as hung. */
  private static final long KILL_GRACE_SECONDS = 2;

  private final String pingCommand;

  public IcmpProbe() {
    this("ping");
  }

  /** {@code pingCommand}: the binary, by name (looked up on PATH) or absolute path. */
  public IcmpProbe(String pingCommand) {
    this.pingCommand = pingCommand;
  }

  @Override
  public ProbeResult probe(IcmpProbeSpec spec, Duration timeout) {
    String host = spec.host == null ? "" : spec.host.strip();
    if (!HOST.matcher(host).matches()) return ProbeResult.error("icmp: invalid host name or address");
    String where = "icmp " + host;
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    List<String> command = List.of(pingCommand, "-n", "-c", "1", "-W", Long.toString(seconds), host);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return ProbeResult.error(where + ": cannot run " + pingCommand + "; " + WHAT_IS_NEEDED);
    }
    try {
      if (!process.waitFor(seconds + KILL_GRACE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return ProbeResult.fail(where + ": no echo reply within " + seconds + "s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return judge(where, process.exitValue(), output, seconds);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return ProbeResult.error(where + ": interrupted");
    } catch (IOException e) {
      return ProbeResult.error(where + ": cannot read ping output: " + e.getMessage());
    }
  }

  private static ProbeResult judge(String where, int exit, String output, long seconds) {
    // iputils ping: 0 = a reply, 1 = no reply, 2 = any other error (resolution, permissions...).
    if (exit == 0) return ProbeResult.pass(where + ": echo reply");
    if (exit == 1) return ProbeResult.fail(where + ": no echo reply within " + seconds + "s");
    String lower = output.toLowerCase(Locale.ROOT);
    if (lower.contains("operation not permitted") || lower.contains("permission denied")
        || lower.contains("socket:") && lower.contains("lacking privilege")) {
      return ProbeResult.error(where + ": ping is not permitted; " + WHAT_IS_NEEDED);
    }
    if (lower.contains("name or service not known") || lower.contains("temporary failure in name resolution")
        || lower.contains("no address associated") || lower.contains("unknown host")) {
      return ProbeResult.fail(where + ": cannot resolve host");
    }
    return ProbeResult.fail(where + ": ping failed: " + ProbeMessages.detail(output));
  }
}

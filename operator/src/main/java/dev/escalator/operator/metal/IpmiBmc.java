package dev.escalator.operator.metal;

import dev.escalator.operator.metal.BmcException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPMI 2.0 over the LAN (RMCP+), through {@code ipmitool -I lanplus}: chassis power status, on,
 * off, reset and cycle, and {@code chassis bootdev} for the one-time boot override. The password
 * reaches ipmitool in its environment ({@code -E}, IPMI_PASSWORD), never on its command line, where
 * any user of the machine could read it. IPMI has no standard virtual media: inserting an image is
 * refused as unsupported.
 *
 * <p>ipmitool reports failures only as text, so {@link #classify} reads its output to tell wrong
 * credentials (RAKP 2 HMAC invalid, unauthorized name) from an unreachable BMC; it runs with
 * {@code -v}, which prints those reasons.
 */
public final class IpmiBmc implements Bmc {
  public static final String DEFAULT_TOOL = "ipmitool";
  private static final int DEFAULT_PORT = 623;
  private static final Pattern POWER = Pattern.compile("Chassis Power is (on|off)", Pattern.CASE_INSENSITIVE);
  private static final int MAX_DETAIL = 300;

  private final String tool;
  private final String host;
  private final int port;
  private final BmcCredentials credentials;
  private final Duration timeout;

  /** @param address {@code host}, {@code host:port} or {@code [v6-address]:port} */
  public IpmiBmc(String tool, String address, BmcCredentials credentials, Duration timeout) {
    this.tool = Objects.requireNonNull(tool, "tool");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    String a = Objects.requireNonNull(address, "address").strip();
    if (a.startsWith("ipmi://")) a = a.substring("ipmi://".length());
    Matcher m = Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?$").matcher(a);
    if (!m.matches()) throw new IllegalArgumentException("IPMI address '" + address + "' must be host or host:port");
    this.host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
    this.port = m.group(2) == null ? DEFAULT_PORT : Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) throw new IllegalArgumentException("IPMI address '" + address + "' has no valid port");
  }

  @Override
  public String describe() {
    return "IPMI BMC " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public HostPower power() throws BmcException {
    String out = run("power status");
    Matcher m = POWER.matcher(out);
    if (!m.find()) throw error(Kind.BAD_RESPONSE, "power status", "printed no power state: " + excerpt(out));
    return new HostPower(m.group(1).equalsIgnoreCase("on") ? PowerState.ON : PowerState.OFF, null);
  }

  @Override
  public BmcReply power(PowerAction action) throws BmcException {
    String call = "power " + action.ipmitoolPower;
    run(call);
    return BmcReply.done("ipmitool " + call);
  }

  @Override
  public BmcReply bootOnce(BootDevice device, boolean uefi) throws BmcException {
    // Without options=persistent, ipmitool sets the override for the next boot only.
    String call = "chassis bootdev " + device.ipmitoolDevice + (uefi ? " options=efiboot" : "");
    run(call);
    return BmcReply.done("ipmitool " + call);
  }

  @Override
  public BmcReply insertMedia(String imageUrl) throws BmcException {
    throw error(Kind.UNSUPPORTED, "insert virtual media", "IPMI has no standard virtual media: boot from pxe, or manage the host through its Redfish service");
  }

  @Override
  public BmcReply ejectMedia() throws BmcException {
    throw error(Kind.UNSUPPORTED, "eject virtual media", "IPMI has no standard virtual media");
  }

  @Override
  public BmcTask task(String monitor) throws BmcException {
    throw error(Kind.UNSUPPORTED, "task " + monitor, "IPMI calls complete when they answer; there are no tasks");
  }

  @Override
  public void close() {
    // Every ipmitool run opens and closes its own session.
  }

  /** The command line for {@code call}: never the password, which goes in the environment. */
  List<String> command(String call) {
    // ipmitool's own retries must end within the call timeout: two tries of a third of it each.
    long perTry = Math.max(1, timeout.toSeconds() / 3);
    List<String> command = new ArrayList<>(List.of(tool, "-I", "lanplus", "-H", host, "-p", Integer.toString(port),
        "-U", credentials.username(), "-E", "-N", Long.toString(perTry), "-R", "1", "-v"));
    command.addAll(List.of(call.split(" ")));
    return command;
  }

  private String run(String call) throws BmcException {
    ProcessBuilder builder = new ProcessBuilder(command(call)).redirectErrorStream(true);
    builder.environment().put("IPMI_PASSWORD", credentials.password());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw error(Kind.UNSUPPORTED, call, "cannot run " + tool + " (" + e.getMessage() + "): the operator's image needs the ipmitool package");
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), Thread::startVirtualThread);
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw error(Kind.TIMEOUT, call, "ipmitool did not finish within " + timeout.toMillis() + "ms");
      }
      String out = output.get(5, TimeUnit.SECONDS);
      if (process.exitValue() != 0) throw error(classify(out), call, "ipmitool exited " + process.exitValue() + ": " + excerpt(out));
      return out;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw error(Kind.TIMEOUT, call, "interrupted");
    } catch (ExecutionException | TimeoutException | IOException e) {
      process.destroyForcibly();
      throw error(Kind.BAD_RESPONSE, call, "cannot read ipmitool's output: " + e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** What ipmitool's text says went wrong. */
  static Kind classify(String output) {
    String out = output.toLowerCase(Locale.ROOT);
    if (out.contains("rakp 2 hmac is invalid") || out.contains("unauthorized name") || out.contains("invalid user name")
        || out.contains("rakp 2 message indicates an error") || out.contains("insufficient privilege")) {
      return Kind.UNAUTHORIZED;
    }
    if (out.contains("password is longer than") || out.contains("username is longer than")) return Kind.REFUSED;
    if (out.contains("invalid command") || out.contains("invalid data field") || out.contains("not supported in present state")) {
      return Kind.REFUSED;
    }
    if (out.contains("unable to establish") || out.contains("get auth capabilities error") || out.contains("no response")
        || out.contains("connection refused") || out.contains("insufficient resources for session")) {
      return Kind.UNREACHABLE;
    }
    return Kind.BMC_ERROR;
  }

  /** The lines that explain a failure: ipmitool's errors, without -v's chatter. */
  private String excerpt(String output) {
    List<String> lines = output.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("Loading IANA") && !l.startsWith("Running Get VSO") && !l.startsWith("Discovered IPMB"))
        .distinct()
        .toList();
    String text = lines.isEmpty() ? "(no output)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    return text;
  }

  private BmcException error(Kind kind, String call, String detail) {
    String d = credentials.mask(detail);
    if (d.length() > MAX_DETAIL) d = d.substring(0, MAX_DETAIL - 3) + "...";
    return new BmcException(kind, describe() + ": ipmitool " + call + ": " + d);
  }

  @Override
  public String toString() {
    return describe();
  }
}

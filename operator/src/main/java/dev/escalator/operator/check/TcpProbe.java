package dev.escalator.operator.check;

import dev.escalator.operator.api.TcpProbeSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A TCP connect: PASS when the port accepts a connection within the timeout. */
public final class TcpProbe implements Probe<TcpProbeSpec> {
  @Override
  public ProbeResult probe(TcpProbeSpec spec, Duration timeout) {
    if (spec.host == null || spec.host.isBlank()) return ProbeResult.error("tcp: host is not set");
    String where = "tcp " + spec.host + ":" + spec.port;
    InetSocketAddress address;
    try {
      address = new InetSocketAddress(spec.host, spec.port);
    } catch (IllegalArgumentException e) {
      return ProbeResult.error(where + ": invalid port");
    }
    if (address.isUnresolved()) return ProbeResult.fail(where + ": cannot resolve host");
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
      return ProbeResult.pass(where + ": connected");
    } catch (SocketTimeoutException e) {
      return ProbeResult.fail(where + ": no connection within " + ProbeMessages.duration(timeout));
    } catch (ConnectException e) {
      // "Connection refused", "No route to host": the OS's wording is stable per cause.
      return ProbeResult.fail(where + ": " + (e.getMessage() == null ? "connection failed" : e.getMessage()));
    } catch (IOException e) {
      return ProbeResult.fail(where + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + ProbeMessages.detail(e.getMessage())));
    }
  }
}

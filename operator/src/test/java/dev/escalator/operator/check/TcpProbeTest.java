package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.TcpProbeSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private final TcpProbe probe = new TcpProbe();

  private static TcpProbeSpec spec(String host, int port) {
    TcpProbeSpec s = new TcpProbeSpec();
    s.host = host;
    s.port = port;
    return s;
  }

  @Test
  void passesWhenThePortAccepts() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ProbeResult r = probe.probe(spec("127.0.0.1", listening.getLocalPort()), TIMEOUT);
      assertThat(r).isEqualTo(ProbeResult.pass("tcp 127.0.0.1:" + listening.getLocalPort() + ": connected"));
    }
  }

  @Test
  void failsWhenThePortIsClosed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProbeResult r = probe.probe(spec("127.0.0.1", port), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.message()).startsWith("tcp 127.0.0.1:" + port + ": ").containsIgnoringCase("refused");
  }

  @Test
  void failsWhenTheHostCannotBeResolved() {
    ProbeResult r = probe.probe(spec("no-such-host.invalid", 80), TIMEOUT);
    assertThat(r).isEqualTo(ProbeResult.fail("tcp no-such-host.invalid:80: cannot resolve host"));
  }

  @Test
  void anImpossiblePortIsAnError() {
    assertThat(probe.probe(spec("127.0.0.1", 70000), TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
  }
}

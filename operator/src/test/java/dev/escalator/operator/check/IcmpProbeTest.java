package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.escalator.operator.api.IcmpProbeSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Real ICMP echoes through the iputils ping binary. CI installs it (.ci/run) and never skips
 * these; on a developer machine without ping they are skipped with a message saying what to
 * install, so that `make test` needs only a JDK and Maven.
 */
class IcmpProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private final IcmpProbe probe = new IcmpProbe();

  private static IcmpProbeSpec spec(String host) {
    IcmpProbeSpec s = new IcmpProbeSpec();
    s.host = host;
    return s;
  }

  private static void requirePing() {
    boolean onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "ping")));
    String why = "the ping binary is not on PATH: install iputils-ping (apt-get install -y iputils-ping) to run the ICMP probe tests";
    if (!onPath && "true".equals(System.getenv("CI"))) fail(why + "; CI must not skip them");
    assumeTrue(onPath, why);
  }

  @Test
  void loopbackAnswersARealEcho() {
    requirePing();
    ProbeResult r = probe.probe(spec("127.0.0.1"), TIMEOUT);
    assertThat(r).as("ping 127.0.0.1 needs CAP_NET_RAW or net.ipv4.ping_group_range; got %s", r)
        .isEqualTo(ProbeResult.pass("icmp 127.0.0.1: echo reply"));
  }

  @Test
  void anUnresolvableHostFails() {
    requirePing();
    assertThat(probe.probe(spec("no-such-host.invalid"), TIMEOUT))
        .isEqualTo(ProbeResult.fail("icmp no-such-host.invalid: cannot resolve host"));
  }

  @Test
  void aMissingPingBinaryIsAnErrorSayingWhatIsNeeded() {
    ProbeResult r = new IcmpProbe("/nonexistent/ping").probe(spec("127.0.0.1"), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(r.message()).contains("iputils-ping").contains("CAP_NET_RAW").contains("net.ipv4.ping_group_range");
  }

  @Test
  void aHostThatLooksLikeAnOptionIsRefusedBeforePingSeesIt() {
    ProbeResult r = probe.probe(spec("-f"), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(probe.probe(spec("127.0.0.1 -c 1000"), TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
  }
}

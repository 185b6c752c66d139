package dev.escalator.operator.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.metal.BmcException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the IPMI driver decides without a BMC: its command line, addresses, and how it reads ipmitool's failures. */
class IpmiBmcTest {
  private static final BmcCredentials CREDENTIALS = new BmcCredentials("admin", "s3cret-ipmi");

  @Test
  void thePasswordIsNeverOnTheCommandLine() {
    IpmiBmc bmc = new IpmiBmc("ipmitool", "10.0.0.7", CREDENTIALS, Duration.ofSeconds(30));

    assertThat(bmc.command("power status"))
        .containsSubsequence("ipmitool", "-I", "lanplus", "-H", "10.0.0.7", "-p", "623", "-U", "admin", "-E", "-N", "10", "-R", "1")
        .endsWith("power", "status")
        .doesNotContain("s3cret-ipmi", "-P");
  }

  @Test
  void addressesTakeAPortAndBracketedIpv6() {
    assertThat(new IpmiBmc("ipmitool", "bmc-7.example:6230", CREDENTIALS, Duration.ofSeconds(9)).describe()).isEqualTo("IPMI BMC bmc-7.example:6230");
    assertThat(new IpmiBmc("ipmitool", "[fd00::7]:623", CREDENTIALS, Duration.ofSeconds(9)).command("power status")).contains("fd00::7");
    assertThatThrownBy(() -> new IpmiBmc("ipmitool", "https://10.0.0.7", CREDENTIALS, Duration.ofSeconds(9)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ipmitoolMissingFromTheImageSaysSo() {
    IpmiBmc bmc = new IpmiBmc("/nonexistent/ipmitool", "10.0.0.7", CREDENTIALS, Duration.ofSeconds(9));

    assertThatThrownBy(bmc::power)
        .isInstanceOfSatisfying(BmcException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("needs the ipmitool package");
  }

  @Test
  void failuresAreToldApartByWhatIpmitoolPrinted() {
    assertThat(IpmiBmc.classify("> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session")).isEqualTo(Kind.UNAUTHORIZED);
    assertThat(IpmiBmc.classify("Get Auth Capabilities error\nError: Unable to establish IPMI v2 / RMCP+ session")).isEqualTo(Kind.UNREACHABLE);
    assertThat(IpmiBmc.classify("Set Chassis Power Control to Cycle failed: Command not supported in present state")).isEqualTo(Kind.REFUSED);
    assertThat(IpmiBmc.classify("Unexpected error")).isEqualTo(Kind.BMC_ERROR);
  }
}

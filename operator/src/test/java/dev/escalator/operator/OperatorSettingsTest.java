package dev.escalator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leader-election part of the settings the chart passes as environment variables. */
class OperatorSettingsTest {
  @Test
  void leaderElectionIsOffWithJosdkTimingsByDefault() {
    OperatorSettings.LeaderElection le = OperatorSettings.fromEnvironment(Map.of()).leaderElection();

    assertThat(le.enabled()).isFalse();
    assertThat(le.leaseName()).isEqualTo("escalator-leader");
    assertThat(le.leaseNamespace()).isNull();
    assertThat(le.identity()).as("JOSDK then uses $HOSTNAME, the pod name").isNull();
    assertThat(le.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(le.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(le.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void chartVariablesSetTheLease() {
    OperatorSettings.LeaderElection le = OperatorSettings.fromEnvironment(Map.of(
        "ESCALATOR_LEADER_ELECTION", "true",
        "ESCALATOR_LEASE_NAME", "esc",
        "POD_NAMESPACE", "escalator-system",
        "ESCALATOR_LEASE_DURATION", "30s",
        "ESCALATOR_LEASE_RENEW_DEADLINE", "20s",
        "ESCALATOR_LEASE_RETRY_PERIOD", "500ms")).leaderElection();

    assertThat(le).isEqualTo(new OperatorSettings.LeaderElection(true, "esc", "escalator-system", null,
        Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(500)));
  }

  @Test
  void timingsOutOfOrderAreRefusedNamingTheVariables() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("ESCALATOR_LEASE_RENEW_DEADLINE", "20s")))
        .hasMessageContaining("ESCALATOR_LEASE_").hasMessageContaining("renew deadline (20s) < lease duration (15s)");
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("ESCALATOR_LEASE_RETRY_PERIOD", "0s")))
        .hasMessageContaining("0 < retry period (0s)");
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("ESCALATOR_LEASE_DURATION", "soon")))
        .hasMessageStartingWith("ESCALATOR_LEASE_DURATION: ");
  }
}

package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.HttpProbeSpec;
import dev.escalator.operator.api.IcmpProbeSpec;
import dev.escalator.operator.api.KubernetesProbeSpec;
import dev.escalator.operator.api.TcpProbeSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CheckTypesTest {
  // Never contacted: building a client does not connect.
  private static final KubernetesClient CLIENT = new KubernetesClientBuilder().build();
  private final CheckTypes types = CheckTypes.standard(CLIENT);

  @AfterAll
  static void close() {
    CLIENT.close();
  }

  @Test
  void standardRegistersEveryProbeFieldOfCheckSpecUnderItsFieldName() {
    assertThat(types.types()).extracting(CheckType::name)
        .containsExactly("http", "tcp", "icmp", "prometheus", "alert", "kubernetes");
    // Every probe field of CheckSpec has a type in the operator's registry (standard plus providers):
    // a new probe field without a registration fails here.
    CheckTypes all = types.with(dev.escalator.operator.openstack.OpenStackProvider.checkType(null, null));
    List<String> probeFields = java.util.Arrays.stream(CheckSpec.class.getFields())
        .filter(f -> f.getType().getSimpleName().endsWith("ProbeSpec"))
        .map(java.lang.reflect.Field::getName)
        .toList();
    assertThat(all.types()).extracting(CheckType::name).containsExactlyInAnyOrderElementsOf(probeFields);
  }

  @Test
  void bindFindsTheOneSetType() {
    CheckSpec check = new CheckSpec();
    check.icmp = new IcmpProbeSpec();
    CheckTypes.Bound<?> bound = types.bind(check);
    assertThat(bound.type().name()).isEqualTo("icmp");
    assertThat(bound.spec()).isSameAs(check.icmp);
  }

  @Test
  void bindRefusesNoTypeAndSeveralTypes() {
    assertThatThrownBy(() -> types.bind(new CheckSpec()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found none");
    CheckSpec two = new CheckSpec();
    two.http = new HttpProbeSpec();
    two.tcp = new TcpProbeSpec();
    assertThatThrownBy(() -> types.bind(two))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found [http, tcp]");
  }

  @Test
  void aTypeIsOneRegistrationAndRunsItsOwnProbe() {
    record Echo(String text) {}
    CheckTypes custom = new CheckTypes(List.of(
        new CheckType<>("echo", Echo.class, c -> null, (spec, timeout) -> ProbeResult.pass(spec.text()))));
    assertThat(custom.byName("echo").orElseThrow().run(new Echo("hi"), Duration.ofSeconds(1)))
        .isEqualTo(ProbeResult.pass("hi"));
    assertThatThrownBy(() -> custom.byName("echo").orElseThrow().run("not an echo", Duration.ofSeconds(1)))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void aNameCannotBeRegisteredTwice() {
    CheckType<TcpProbeSpec> tcp = new CheckType<>("tcp", TcpProbeSpec.class, c -> c.tcp, new TcpProbe());
    assertThatThrownBy(() -> new CheckTypes(List.of(tcp, tcp))).hasMessageContaining("tcp");
  }

  @Test
  void kubernetesDefaultsTheNamespaceToTheEnvironments() {
    @SuppressWarnings("unchecked")
    CheckType<KubernetesProbeSpec> k = (CheckType<KubernetesProbeSpec>) types.byName("kubernetes").orElseThrow();
    KubernetesProbeSpec unset = new KubernetesProbeSpec();
    assertThat(k.defaults().apply(unset, java.util.Map.of("namespace", "shop")).namespace).isEqualTo("shop");
    KubernetesProbeSpec set = new KubernetesProbeSpec();
    set.namespace = "infra";
    assertThat(k.defaults().apply(set, java.util.Map.of("namespace", "shop")).namespace).isEqualTo("infra");
  }
}

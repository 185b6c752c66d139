package dev.escalator.operator.check;

import dev.escalator.operator.api.AlertProbeSpec;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.HttpProbeSpec;
import dev.escalator.operator.api.IcmpProbeSpec;
import dev.escalator.operator.api.KubernetesProbeSpec;
import dev.escalator.operator.api.PrometheusProbeSpec;
import dev.escalator.operator.api.TcpProbeSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one registry of check types. Adding a type is one Probe class and one line in
 * {@link #standard}; nothing else switches on the type.
 */
public final class CheckTypes {
  private final Map<String, CheckType<?>> byName = new LinkedHashMap<>();

  public CheckTypes(List<CheckType<?>> types) {
    for (CheckType<?> type : types) {
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("check type registered twice: " + type.name());
      }
    }
  }

  /**
   * Every type Escalator ships; the Kubernetes probe reads workloads through {@code client} (null
   * where no Kubernetes check runs: its checks are then ERROR).
   */
  public static CheckTypes standard(KubernetesClient client) {
    return new CheckTypes(List.of(
        new CheckType<>("http", HttpProbeSpec.class, c -> c.http, new HttpProbe()),
        new CheckType<>("tcp", TcpProbeSpec.class, c -> c.tcp, new TcpProbe()),
        new CheckType<>("icmp", IcmpProbeSpec.class, c -> c.icmp, new IcmpProbe()),
        new CheckType<>("prometheus", PrometheusProbeSpec.class, c -> c.prometheus, new PrometheusProbe()),
        new CheckType<>("alert", AlertProbeSpec.class, c -> c.alert, new AlertProbe()),
        new CheckType<>("kubernetes", KubernetesProbeSpec.class, c -> c.kubernetes, new KubernetesProbe(client),
            KubernetesProbe::withNamespaceDefault)));
  }

  /** These types and {@code more} (provider types registered by the operator's wiring). */
  public CheckTypes with(CheckType<?>... more) {
    List<CheckType<?>> all = new ArrayList<>(byName.values());
    all.addAll(List.of(more));
    return new CheckTypes(all);
  }

  /** A check's one type with its (untemplated) spec. */
  public record Bound<S>(CheckType<S> type, S spec) {}

  /**
   * The type whose spec is set in {@code check}; IllegalArgumentException when none or several are
   * set (the CRD's validation rule should have refused such a check).
   */
  public Bound<?> bind(CheckSpec check) {
    List<Bound<?>> set = new ArrayList<>(1);
    for (CheckType<?> type : byName.values()) {
      Bound<?> bound = boundOrNull(type, check);
      if (bound != null) set.add(bound);
    }
    if (set.size() != 1) {
      String found = set.isEmpty() ? "none" : set.stream().map(b -> b.type().name()).toList().toString();
      throw new IllegalArgumentException(
          "exactly one probe type of " + byName.keySet() + " must be set, found " + found);
    }
    return set.get(0);
  }

  private static <S> Bound<S> boundOrNull(CheckType<S> type, CheckSpec check) {
    S spec = type.specOf(check);
    return spec == null ? null : new Bound<>(type, spec);
  }

  public Optional<CheckType<?>> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Registered types in registration order. */
  public List<CheckType<?>> types() {
    return List.copyOf(byName.values());
  }
}

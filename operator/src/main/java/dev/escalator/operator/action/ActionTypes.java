package dev.escalator.operator.action;

import dev.escalator.operator.api.ActionSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one registry of action types. Adding a type is one provider class and one entry here (and
 * its field in {@code ActionSpec}); nothing else switches on the type.
 */
public final class ActionTypes {
  private final List<ActionType<?>> types;

  public ActionTypes(List<ActionType<?>> types) {
    this.types = List.copyOf(types);
    Set<String> names = new HashSet<>();
    for (ActionType<?> type : this.types) {
      if (!names.add(type.name())) throw new IllegalArgumentException("action type registered twice: " + type.name());
    }
  }

  /** The Kubernetes-native types: {@code rolloutRestart}, {@code job} and {@code webhook}. */
  public static ActionTypes kubernetes(KubernetesClient client, HttpClient http, Clock clock) {
    return new ActionTypes(List.of(
        new ActionType<>("rolloutRestart", spec -> spec.rolloutRestart, new RolloutRestartAction(client, clock)),
        new ActionType<>("job", spec -> spec.job, new JobAction(client)),
        new ActionType<>("webhook", spec -> spec.webhook, new WebhookAction(client, http, clock))));
  }

  /** These types and {@code more} (provider types registered by the operator's wiring). */
  public ActionTypes with(ActionType<?>... more) {
    List<ActionType<?>> all = new ArrayList<>(types);
    all.addAll(List.of(more));
    return new ActionTypes(all);
  }

  /**
   * Binds the one action type set in {@code spec} to its provider.
   *
   * @throws IllegalArgumentException when no type, or more than one, is set (the CRD's validation
   *     rule should have refused such a spec; this guards specs that bypassed it)
   */
  public BoundAction bind(ActionSpec spec) {
    Objects.requireNonNull(spec, "action spec");
    List<String> set = new ArrayList<>();
    BoundAction bound = null;
    for (ActionType<?> type : types) {
      BoundAction candidate = bindIfSet(type, spec);
      if (candidate != null) {
        set.add(type.name());
        bound = candidate;
      }
    }
    if (set.size() != 1) {
      throw new IllegalArgumentException("exactly one action type must be set, found "
          + (set.isEmpty() ? "none" : String.join(", ", set)) + "; known types: " + names());
    }
    return bound;
  }

  /** Registered type names, in registration order. */
  public List<String> names() {
    return types.stream().map(ActionType::name).toList();
  }

  private static <S> BoundAction bindIfSet(ActionType<S> type, ActionSpec spec) {
    S typed = type.specIn(spec);
    return typed == null ? null : type.bind(typed);
  }
}

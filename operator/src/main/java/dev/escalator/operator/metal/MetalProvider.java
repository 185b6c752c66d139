package dev.escalator.operator.metal;

import dev.escalator.operator.action.ActionType;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** Registers the metal provider with the operator: its action type and the reconciler that releases orphaned claims. */
public final class MetalProvider {
  public static final String TYPE = "metal";

  private MetalProvider() {}

  public static ActionType<?> actionType(KubernetesClient client, BmcConnector bmcs, Clock clock) {
    return new ActionType<>(TYPE, spec -> spec.metal, new MetalAction(client, bmcs, clock));
  }

  public static ClaimReleaser claimReleaser(KubernetesClient client, Clock clock) {
    return new ClaimReleaser(client, new HostInventory(client, clock), ClaimReleaser.RECHECK);
  }
}

package dev.escalator.operator.metal;

import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.HostClaimStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns to their pool the hosts whose Environment is gone: deleted, being deleted, or replaced by
 * a new Environment of the same name (another UID). Hosts are not owned by Environments (deleting
 * an Environment must not delete the inventory of a data centre), so nothing else would release
 * them. Claimed hosts are looked at again every {@code recheck}; a released host is left as it
 * is, since the next claim reprovisions it.
 */
public final class ClaimReleaser implements Reconciler<BareMetalHost> {
  /** How often a claimed host's Environment is looked up. */
  public static final Duration RECHECK = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(ClaimReleaser.class);

  private final KubernetesClient client;
  private final HostInventory inventory;
  private final Duration recheck;

  public ClaimReleaser(KubernetesClient client, HostInventory inventory, Duration recheck) {
    this.client = Objects.requireNonNull(client, "client");
    this.inventory = Objects.requireNonNull(inventory, "inventory");
    this.recheck = Objects.requireNonNull(recheck, "recheck");
  }

  @Override
  public UpdateControl<BareMetalHost> reconcile(BareMetalHost host, Context<BareMetalHost> context) {
    HostClaimStatus claim = host.getStatus() == null ? null : host.getStatus().claimedBy;
    if (claim == null || claim.environment == null) return UpdateControl.noUpdate();
    String namespace = host.getMetadata().getNamespace();
    Environment env = client.resources(Environment.class).inNamespace(namespace).withName(claim.environment).get();
    String gone = env == null ? "was deleted"
        : env.getMetadata().getDeletionTimestamp() != null ? "is being deleted"
        : claim.environmentUID != null && !claim.environmentUID.equals(env.getMetadata().getUid()) ? "was deleted and created again"
        : null;
    if (gone == null) return UpdateControl.<BareMetalHost>noUpdate().rescheduleAfter(recheck);
    LOG.info("host {}/{}: Environment {} {}; returning the host to pool {}", namespace, host.getMetadata().getName(), claim.environment, gone,
        host.getSpec().pool);
    inventory.release(namespace, host.getMetadata().getName(), "Environment " + claim.environment + " " + gone);
    return UpdateControl.noUpdate();
  }
}

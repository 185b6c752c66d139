package dev.escalator.operator.metal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.api.BareMetalHost;
import dev.escalator.operator.api.BareMetalHostStatus;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.HostClaimStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BareMetalHosts of a namespace: which hold which node, claiming a free one from a pool,
 * releasing, and status writes. Every write to a host's status carries the resourceVersion that
 * was read as a precondition, so of two writers racing for one host the API server refuses the
 * second (409): a claim can never be made twice, and a refused claim moves on to the next host.
 */
public final class HostInventory {
  /** Who claims: one node of one Environment, for one escalation run. */
  public record Claimant(String environment, String environmentUid, String tier, String node, String run) {
    public Claimant {
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(run, "run");
    }

    boolean holds(BareMetalHost host) {
      HostClaimStatus c = host.getStatus() == null ? null : host.getStatus().claimedBy;
      return c != null && environment.equals(c.environment) && node.equals(c.node)
          && (environmentUid == null || c.environmentUID == null || environmentUid.equals(c.environmentUID));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(HostInventory.class);
  private static final int WRITE_TRIES = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Clock clock;

  public HostInventory(KubernetesClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public List<BareMetalHost> list(String namespace) {
    return client.resources(BareMetalHost.class).inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(h -> h.getMetadata().getName()))
        .toList();
  }

  public Optional<BareMetalHost> get(String namespace, String name) {
    return Optional.ofNullable(client.resources(BareMetalHost.class).inNamespace(namespace).withName(name).get());
  }

  /** The hosts {@code claimant}'s node holds (not retired), oldest claim first. */
  public List<BareMetalHost> heldBy(String namespace, Claimant claimant) {
    return list(namespace).stream()
        .filter(claimant::holds)
        .filter(h -> state(h) != HostState.failed)
        .sorted(Comparator.comparing((BareMetalHost h) -> Objects.requireNonNullElse(h.getStatus().claimedBy.claimedAt, ""))
            .thenComparing(h -> h.getMetadata().getName()))
        .toList();
  }

  /**
   * Claims an available host of {@code pool} (all of {@code selector} among its labels, none of
   * {@code exclude}), first by name; {@code preferred} first when it is a candidate. A host another
   * writer claimed first is skipped.
   *
   * @return the claimed host, or empty when the pool has none left
   */
  public Optional<BareMetalHost> claim(String namespace, String pool, Map<String, String> selector, Set<String> exclude,
      String preferred, Claimant claimant, HostState state) {
    List<BareMetalHost> candidates = list(namespace).stream()
        .filter(h -> pool.equals(h.getSpec().pool))
        .filter(h -> matches(h, selector))
        .filter(h -> !exclude.contains(h.getMetadata().getName()))
        .filter(h -> state(h) == HostState.available)
        .sorted(Comparator.comparing((BareMetalHost h) -> !h.getMetadata().getName().equals(preferred)))
        .toList();
    for (BareMetalHost candidate : candidates) {
      if (tryClaim(candidate, claimant, state)) {
        LOG.info("host {}/{} claimed for node {} of environment {} (run {})", namespace, candidate.getMetadata().getName(),
            claimant.node(), claimant.environment(), claimant.run());
        return get(namespace, candidate.getMetadata().getName());
      }
    }
    return Optional.empty();
  }

  /** One optimistic claim: refused (false) when someone else wrote the host since it was read. */
  boolean tryClaim(BareMetalHost host, Claimant claimant, HostState state) {
    BareMetalHostStatus status = copy(host.getStatus());
    HostClaimStatus claim = new HostClaimStatus();
    claim.environment = claimant.environment();
    claim.environmentUID = claimant.environmentUid();
    claim.tier = claimant.tier();
    claim.node = claimant.node();
    claim.run = claimant.run();
    claim.claimedAt = now();
    status.claimedBy = claim;
    status.state = state;
    HostConditions.update(status, now());
    try {
      writeStatus(host, status);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        LOG.debug("claim of host {} lost a race ({}); trying the next", host.getMetadata().getName(), e.getCode());
        return false;
      }
      throw e;
    }
  }

  /**
   * Changes a host's status: {@code change} is applied to the freshly read status and written with
   * that read's resourceVersion; on a conflict it is read and applied again.
   */
  public BareMetalHost update(String namespace, String name, Consumer<BareMetalHostStatus> change) {
    for (int tries = 1; ; tries++) {
      BareMetalHost host = get(namespace, name)
          .orElseThrow(() -> new IllegalStateException("BareMetalHost " + namespace + "/" + name + " no longer exists"));
      BareMetalHostStatus status = copy(host.getStatus());
      change.accept(status);
      HostConditions.update(status, now());
      try {
        return writeStatus(host, status);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || tries >= WRITE_TRIES) throw e;
      }
    }
  }

  /** Returns a host to its pool: available, no claim. What was last done to it stays in its status. */
  public BareMetalHost release(String namespace, String name, String why) {
    return update(namespace, name, s -> {
      s.claimedBy = null;
      s.state = HostState.available;
      if (s.lastAction != null && s.lastAction.message != null && !s.lastAction.message.endsWith(why)) {
        s.lastAction.message = s.lastAction.message + "; released: " + why;
      }
    });
  }

  /**
   * Replaces the status of {@code read} on condition that the host is unchanged since it was read:
   * a JSON patch that also sets metadata.resourceVersion to the one read is refused with 409 by the
   * API server when the stored object has moved on (the same precondition a PUT carries).
   */
  private BareMetalHost writeStatus(BareMetalHost read, BareMetalHostStatus status) {
    ArrayNode patch = JSON.createArrayNode();
    patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion").put("value", read.getMetadata().getResourceVersion());
    ObjectNode replace = patch.addObject().put("op", "add").put("path", "/status");
    try {
      replace.set("value", JSON.readTree(client.getKubernetesSerialization().asJson(status)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a host status always serialises", e);
    }
    return client.resources(BareMetalHost.class).inNamespace(read.getMetadata().getNamespace()).withName(read.getMetadata().getName())
        .subresource("status").patch(PatchContext.of(PatchType.JSON), patch.toString());
  }

  /** The BMC login from the host's credentialsSecret (keys username and password). */
  public BmcCredentials credentials(BareMetalHost host) throws ActionFailedException {
    String namespace = host.getMetadata().getNamespace();
    String name = host.getSpec().bmc == null ? null : host.getSpec().bmc.credentialsSecret;
    String describe = "Secret " + namespace + "/" + name + " (spec.bmc.credentialsSecret of BareMetalHost " + host.getMetadata().getName() + ")";
    if (name == null) throw new ActionFailedException("BareMetalHost " + namespace + "/" + host.getMetadata().getName() + " has no spec.bmc.credentialsSecret");
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) throw new ActionFailedException(describe + " not found");
    String username = value(secret, "username", describe);
    String password = value(secret, "password", describe);
    return new BmcCredentials(username, password);
  }

  private static String value(Secret secret, String key, String describe) throws ActionFailedException {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) return secret.getStringData().get(key).stripTrailing();
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded == null) throw new ActionFailedException(describe + " has no key '" + key + "'");
    try {
      return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).stripTrailing();
    } catch (IllegalArgumentException e) {
      throw new ActionFailedException(describe + ": key '" + key + "' is not valid base64");
    }
  }

  static HostState state(BareMetalHost host) {
    return host.getStatus() == null || host.getStatus().state == null ? HostState.available : host.getStatus().state;
  }

  private static boolean matches(BareMetalHost host, Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) return true;
    Map<String, String> labels = Objects.requireNonNullElse(host.getSpec().labels, Map.of());
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  Instant instant() {
    return clock.instant();
  }

  /** A deep copy, so a change applied to a status that is then refused leaves nothing behind. */
  private BareMetalHostStatus copy(BareMetalHostStatus status) {
    return status == null ? new BareMetalHostStatus() : client.getKubernetesSerialization().clone(status);
  }
}

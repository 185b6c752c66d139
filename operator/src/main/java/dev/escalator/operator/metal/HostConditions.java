package dev.escalator.operator.metal;

import dev.escalator.operator.api.BareMetalHostStatus;
import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import dev.escalator.operator.api.HostActionStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A host's conditions, derived in one place from its state, claim and last action: {@code
 * Claimed} and {@code Ready} (provisioned and its last action succeeded). A condition keeps its
 * lastTransitionTime while its status does not change.
 */
final class HostConditions {
  static final String CLAIMED = "Claimed";
  static final String READY = "Ready";

  private HostConditions() {}

  static void update(BareMetalHostStatus status, String now) {
    List<Condition> previous = Objects.requireNonNullElse(status.conditions, List.of());
    List<Condition> next = new ArrayList<>();
    if (status.claimedBy != null) {
      next.add(condition(previous, CLAIMED, "True", "Claimed",
          "node " + status.claimedBy.node + " of Environment " + status.claimedBy.environment, now));
    } else {
      next.add(condition(previous, CLAIMED, "False", "Unclaimed", "in its pool", now));
    }
    HostState state = status.state == null ? HostState.available : status.state;
    HostActionStatus last = status.lastAction;
    boolean lastFailed = last != null && HostProcedures.FAILED.equals(last.outcome);
    String reason;
    if (state == HostState.failed) reason = "Retired";
    else if (lastFailed) reason = last.action + "Failed";
    else if (state == HostState.provisioned) reason = "Provisioned";
    else reason = switch (state) {
      case available -> "Available";
      case claimed -> "Claimed";
      case provisioning -> "Provisioning";
      case powering -> "PowerCycling";
      default -> "NotReady";
    };
    boolean ready = state == HostState.provisioned && !lastFailed;
    String message = last == null ? "no action yet" : last.action + " " + last.outcome + (last.message == null ? "" : ": " + last.message);
    next.add(condition(previous, READY, ready ? "True" : "False", reason, message, now));
    status.conditions = next;
  }

  private static Condition condition(List<Condition> previous, String type, String status, String reason, String message, String now) {
    String since = previous.stream()
        .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(now);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 997) + "..." : message)
        .withLastTransitionTime(since)
        .build();
  }
}

package dev.escalator.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds status conditions per the Kubernetes API conventions: a condition keeps its
 * lastTransitionTime while its status does not change, and carries the generation it describes.
 */
final class Conditions {
  static final String VALID = "Valid";
  static final String READY = "Ready";
  static final String ESCALATING = "Escalating";
  static final String EXHAUSTED = "Exhausted";
  static final String ACTING = "Acting";
  static final String HELD = "Held";

  private final List<Condition> previous;
  private final List<Condition> next = new ArrayList<>();
  private final long generation;
  private final Instant now;

  Conditions(List<Condition> previous, long generation, Instant now) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
    this.now = now;
  }

  Conditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? "True" : "False", reason, message);
  }

  Conditions set(String type, String status, String reason, String message) {
    String since = previous.stream()
        .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(StateCodec.time(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    next.add(new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(truncate(message))
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build());
    return this;
  }

  List<Condition> build() {
    return new ArrayList<>(next);
  }

  static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Condition messages are for humans; the API server caps them at 32 KiB, we keep them readable. */
  static String truncate(String message) {
    if (message == null) return "";
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}

package dev.escalator.operator.ladder;

import java.util.Objects;

/** Something worth telling a human, emitted by a decision; the reconciler turns it into a Kubernetes Event. */
public record DomainEvent(Kind kind, String message) {
  public enum Kind {
    QUIESCENCE_STARTED("QuiescenceStarted", false),
    RECOVERED("Recovered", false),
    ESCALATION_STARTED("EscalationStarted", false),
    APPROVAL_REQUIRED("ApprovalRequired", true),
    GATED("Gated", true),
    RATE_LIMITED("RateLimited", true),
    HELD("Held", true),
    FLAPPING("Flapping", true),
    STEP_STARTED("StepStarted", false),
    STEP_SUCCEEDED("StepSucceeded", false),
    STEP_SKIPPED("StepSkipped", false),
    STEP_FAILED("StepFailed", true),
    REPLANNED("Replanned", false),
    ATTEMPT_FAILED("AttemptFailed", true),
    CLIMBED("Climbed", true),
    EXHAUSTED("Exhausted", true),
    CONVERGED("Converged", false),
    WOULD_ESCALATE("WouldEscalate", false),
    RESET("Reset", false),
    CANCELLED("Cancelled", true);

    private final String reason;
    private final boolean warning;

    Kind(String reason, boolean warning) {
      this.reason = reason;
      this.warning = warning;
    }

    /** CamelCase reason, as Kubernetes Events use. */
    public String reason() {
      return reason;
    }

    public boolean warning() {
      return warning;
    }
  }

  public DomainEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }
}

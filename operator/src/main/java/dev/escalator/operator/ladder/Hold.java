package dev.escalator.operator.ladder;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A storm guard holding this environment back. Unlike a {@link Gate}, which is the environment's own
 * check, a hold comes from outside the ladder: too many escalations at once, too many environments
 * or nodes failing together (which usually means monitoring or the network broke, not the
 * environments). A hold never aborts a run in flight; it stops new work from starting.
 *
 * @param startsEscalations whether a new escalation may not start (levels of any scope)
 * @param scopes levels of these scopes may not start a step, also within an escalation in flight
 */
public record Hold(Kind kind, String why, boolean startsEscalations, Set<Scope> scopes) {
  public enum Kind {
    /** The operator-wide or per-namespace cap on escalations in flight is reached. */
    CONCURRENCY("ConcurrencyLimit", false),
    /** More than the configured share of all environments fail at once. */
    MELTDOWN("Meltdown", true),
    /** More than the configured share of one tier's nodes fail at once. */
    TIER_FAILING("TierFailing", true),
    /** The failing check targets keep changing state: no escalation until they are stable. */
    FLAPPING("Flapping", false);

    private final String reason;
    private final boolean sharedCause;

    Kind(String reason, boolean sharedCause) {
      this.reason = reason;
      this.sharedCause = sharedCause;
    }

    /** CamelCase, for conditions and metric labels. */
    public String reason() {
      return reason;
    }

    /**
     * Whether this hold suspects a cause many failures share. When it lifts, the environment's
     * quiescence starts over: its own checks may be a probe period behind the others' recovery.
     */
    public boolean sharedCause() {
      return sharedCause;
    }

    /** What the state machine remembers it told (EnvironmentState.proposed) while this hold lasts. */
    String marker() {
      return "held by " + reason;
    }

    static Optional<Kind> ofMarker(String marker) {
      return Arrays.stream(values()).filter(k -> k.marker().equals(marker)).findFirst();
    }
  }

  public Hold {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(why, "why");
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** No new escalation; escalations in flight go on (they already hold their slot). */
  public static Hold concurrency(String why) {
    return new Hold(Kind.CONCURRENCY, why, true, Set.of());
  }

  /** Nothing new starts anywhere: no escalation, no step. */
  public static Hold meltdown(String why) {
    return new Hold(Kind.MELTDOWN, why, true, EnumSet.allOf(Scope.class));
  }

  /** No node-scoped step starts: the more drastic levels may still repair what the nodes share. */
  public static Hold tierFailing(String why) {
    return new Hold(Kind.TIER_FAILING, why, false, EnumSet.of(Scope.NODE));
  }

  /** No new escalation while the only failures flap; one in flight goes on. */
  public static Hold flapping(String why) {
    return new Hold(Kind.FLAPPING, why, true, Set.of());
  }

  /** Whether this hold keeps a step of {@code level} from starting. */
  public boolean holds(Level level) {
    return scopes.contains(level.scope());
  }

  /** Whether this hold keeps an escalation that would start at {@code start} from starting. */
  public boolean holdsStart(Level start) {
    return startsEscalations || holds(start);
  }

  /** "Reason: why", as Events and step messages tell it. */
  @Override
  public String toString() {
    return kind.reason() + ": " + why;
  }
}

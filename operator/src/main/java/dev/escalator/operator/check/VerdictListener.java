package dev.escalator.operator.check;

/**
 * Told when a target's healthy value or message changed in an environment, not on every probe; the
 * reconciler re-reads {@link CheckScheduler#verdicts(String)}. Called on probe threads, possibly
 * concurrently: implementations must be thread-safe and return quickly (e.g. enqueue a reconcile).
 */
@FunctionalInterface
public interface VerdictListener {
  void verdictsChanged(String environmentKey);
}

package dev.escalator.operator.action;

import java.util.Objects;

/**
 * The result of polling started work: its progress, and the handle to record from now on. Most
 * providers keep the handle they returned from {@code start}; a provider that only learns after
 * start what a restarted operator needs in order to resume (a webhook's job id) returns a new one,
 * which the caller persists in status in place of the old.
 */
public record ActionPoll(ActionProgress progress, String handle) {
  public ActionPoll {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(handle, "handle");
  }

  public ActionProgress.State state() {
    return progress.state();
  }

  public String message() {
    return progress.message();
  }

  /** Whether the caller must record {@link #handle()} instead of {@code recorded}. */
  public boolean replaces(String recorded) {
    return !handle.equals(recorded);
  }
}

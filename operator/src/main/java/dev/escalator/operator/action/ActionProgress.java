package dev.escalator.operator.action;

import dev.escalator.operator.ladder.Node;
import java.util.List;
import java.util.Objects;

/**
 * Where a started action stands. The message reaches status and Events: never a secret. {@code
 * nodes} are the nodes the action created or found (a provider's servers or hosts, with their
 * addresses): the operator records them in the Environment's inventory.
 */
public record ActionProgress(State state, String message, List<Node> nodes) {
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public ActionProgress {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
    nodes = List.copyOf(nodes);
  }

  public ActionProgress(State state, String message) {
    this(state, message, List.of());
  }

  /** This progress, reporting {@code reported} nodes as well. */
  public ActionProgress withNodes(List<Node> reported) {
    return new ActionProgress(state, message, reported);
  }

  public static ActionProgress running(String message) {
    return new ActionProgress(State.RUNNING, message);
  }

  public static ActionProgress succeeded(String message) {
    return new ActionProgress(State.SUCCEEDED, message);
  }

  public static ActionProgress failed(String message) {
    return new ActionProgress(State.FAILED, message);
  }
}

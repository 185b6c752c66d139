package dev.escalator.operator.action;

/**
 * An action spec bound to the provider of its type, as {@link ActionTypes#bind} returns it: the
 * reconciler starts and polls it without knowing which type it is.
 */
public interface BoundAction {
  /** The registered type name, e.g. {@code job}: for status, Events and metrics. */
  String typeName();

  /** See {@link ActionProvider#start}: ensure semantics, returns quickly, handle is never a secret. */
  String start(ActionRequest request) throws ActionFailedException;

  /**
   * See {@link ActionProvider#track}: progress plus the handle to record from now on; when {@link
   * ActionPoll#replaces} the recorded one, persist the new handle.
   */
  ActionPoll poll(ActionRequest request, String handle) throws ActionFailedException;
}

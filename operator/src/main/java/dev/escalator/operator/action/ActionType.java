package dev.escalator.operator.action;

import dev.escalator.operator.api.ActionSpec;
import java.util.Objects;
import java.util.function.Function;

/**
 * One registered action type: its name (the {@code ActionSpec} field, e.g. {@code job}), how to
 * read its spec out of an {@code ActionSpec} (null when not set), and its provider.
 */
public record ActionType<S>(String name, Function<ActionSpec, S> extractor, ActionProvider<S> provider) {
  public ActionType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(extractor, "extractor");
    Objects.requireNonNull(provider, "provider");
  }

  /** This type's spec inside {@code spec}, or null when this type is not the one set. */
  S specIn(ActionSpec spec) {
    return extractor.apply(spec);
  }

  /** Binds this type's provider to its spec, so callers need not know {@code S}. */
  BoundAction bind(S spec) {
    Objects.requireNonNull(spec, "spec");
    return new Bound<>(this, spec);
  }

  private record Bound<S>(ActionType<S> type, S spec) implements BoundAction {
    @Override
    public String typeName() {
      return type.name();
    }

    @Override
    public String start(ActionRequest request) throws ActionFailedException {
      return type.provider().start(request, spec);
    }

    @Override
    public ActionPoll poll(ActionRequest request, String handle) throws ActionFailedException {
      return type.provider().track(request, spec, handle);
    }

    @Override
    public String toString() {
      return "BoundAction[" + type.name() + "]";
    }
  }
}

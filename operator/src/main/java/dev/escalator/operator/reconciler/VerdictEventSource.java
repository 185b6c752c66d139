package dev.escalator.operator.reconciler;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.check.VerdictListener;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/**
 * Turns a change of check verdicts (reported by the check scheduler on its own threads) into a
 * reconcile of the Environment they belong to. Keys are {@code namespace/name}.
 */
final class VerdictEventSource extends AbstractEventSource<Void, Environment> implements VerdictListener {
  VerdictEventSource() {
    super(Void.class, "check-verdicts");
  }

  static String key(Environment env) {
    return env.getMetadata().getNamespace() + "/" + env.getMetadata().getName();
  }

  @Override
  public void verdictsChanged(String environmentKey) {
    if (!isRunning()) return;
    int slash = environmentKey.indexOf('/');
    getEventHandler().handleEvent(new Event(new ResourceID(environmentKey.substring(slash + 1), environmentKey.substring(0, slash))));
  }

  @Override
  public Set<Void> getSecondaryResources(Environment primary) {
    return Set.of();
  }
}

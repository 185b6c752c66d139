package dev.escalator.operator.action;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Builds the Environment and ActionRequests the provider tests act for. */
final class Requests {
  static final String NAMESPACE = "shop";
  static final String ENVIRONMENT = "checkout";
  static final String UID = "6f1c2a1e-0000-4000-8000-000000000001";

  private Requests() {}

  static Environment environment() {
    Environment env = new Environment();
    env.setMetadata(new ObjectMetaBuilder().withName(ENVIRONMENT).withNamespace(NAMESPACE).withUid(UID).build());
    return env;
  }

  static ActionRequest forEnvironment(String escalationId, int attempt) {
    return new ActionRequest(environment(), escalationId, 2, attempt, "redeploy", Target.environment(), List.of());
  }

  static ActionRequest forNode(String escalationId, int attempt) {
    return new ActionRequest(environment(), escalationId, 1, attempt, "rebuild-node", Target.node("web", "web-1"),
        List.of(new Node("web-1", "web", "10.0.0.11"), new Node("web-2", "web", "10.0.0.12")));
  }
}

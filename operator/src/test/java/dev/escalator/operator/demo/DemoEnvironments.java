package dev.escalator.operator.demo;

import dev.escalator.operator.api.ActionSpec;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.EscalationPolicySpec;
import dev.escalator.operator.api.HttpProbeSpec;
import dev.escalator.operator.api.JobActionSpec;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.RolloutRestartActionSpec;
import dev.escalator.operator.api.Scope;
import dev.escalator.operator.api.WebhookActionSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;

/** The demo's and the reconciler tests' Environment: a shop with Kubernetes-native and webhook levels. */
public final class DemoEnvironments {
  private DemoEnvironments() {}

  /**
   * Ladder, most drastic first: {@code reprovision} (a Job), {@code restart} (rollout restart of the
   * shop Deployment), {@code redeploy} (a webhook to the shop's deploy endpoint). Checks: health
   * escalates to restart, smoke to redeploy.
   */
  public static Environment shop(String namespace, String name, String serviceUrl) {
    Environment env = new Environment();
    env.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    EnvironmentSpec spec = new EnvironmentSpec();
    spec.quiescence = "2s";
    spec.escalation = quickPolicy("5s");

    LevelSpec reprovision = level("reprovision", "1s");
    reprovision.action.job = new JobActionSpec();
    reprovision.action.job.template = new PodTemplateSpecBuilder()
        .withNewSpec().addNewContainer().withName("provision").withImage("registry.example/provision:1.0").withArgs("--all").endContainer()
        .withRestartPolicy("Never").endSpec().build();

    LevelSpec restart = level("restart", "1s");
    restart.action.rolloutRestart = new RolloutRestartActionSpec();
    restart.action.rolloutRestart.kind = "Deployment";
    restart.action.rolloutRestart.name = "shop";

    LevelSpec redeploy = level("redeploy", "1s");
    redeploy.action.webhook = new WebhookActionSpec();
    redeploy.action.webhook.url = serviceUrl + "/deploy?env=${environment}&escalation=${escalationId}";

    spec.ladder = List.of(reprovision, restart, redeploy);
    spec.checks = List.of(http("health", serviceUrl + "/healthz", "restart"), http("smoke", serviceUrl + "/smoke", "redeploy"));
    env.setSpec(spec);
    return env;
  }

  public static Deployment shopDeployment(String namespace) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("shop").withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(2)
        .withNewSelector().addToMatchLabels("app", "shop").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "shop").endMetadata()
        .withNewSpec().addNewContainer().withName("shop").withImage("registry.example/shop:2.1").endContainer().endSpec()
        .endTemplate().endSpec()
        .build();
  }

  /** Two attempts, 1-2 s apart, verified within {@code verifyTimeout}: demo and test time scales. */
  public static EscalationPolicySpec quickPolicy(String verifyTimeout) {
    EscalationPolicySpec p = new EscalationPolicySpec();
    p.maxAttempts = 2;
    p.backoff = "1s";
    p.maxBackoff = "2s";
    p.verifyTimeout = verifyTimeout;
    return p;
  }

  public static LevelSpec level(String name, String quiescence) {
    LevelSpec l = new LevelSpec();
    l.name = name;
    l.scope = Scope.Environment;
    l.quiescence = quiescence;
    l.timeout = "30s";
    l.action = new ActionSpec();
    return l;
  }

  public static CheckSpec http(String name, String url, String level) {
    CheckSpec c = new CheckSpec();
    c.name = name;
    c.escalatesTo = level;
    c.periodSeconds = 1;
    c.timeoutSeconds = 1;
    c.failureThreshold = 2;
    c.successThreshold = 1;
    c.http = new HttpProbeSpec();
    c.http.url = url;
    return c;
  }
}

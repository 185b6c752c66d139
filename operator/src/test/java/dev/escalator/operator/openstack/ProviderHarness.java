package dev.escalator.operator.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.OpenStackActionSpec;
import dev.escalator.operator.api.OpenStackProbeSpec;
import dev.escalator.operator.check.ProbeResult;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.spec.EnvironmentDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Drives the provider's actions and checks directly for one environment of the six-level example,
 * the way the step executor and the scheduler do: start (twice, as after a crash), poll until done.
 * Shared by the simulator tests and the real-cloud tests.
 */
final class ProviderHarness {
  static final String NS = "it";
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  final String name;
  final Environment env;
  final OpenStackClouds clouds;
  final OpenStackAction action;
  final OpenStackProbe probe;

  ProviderHarness(OpenStackClouds clouds, String name, String cloud) {
    this.name = name;
    this.clouds = clouds;
    this.env = CloudEnvironments.sixLevels(NS, name, cloud, 2, "http://127.0.0.1:1");
    this.action = new OpenStackAction(clouds);
    EnvironmentDirectory directory = new EnvironmentDirectory();
    directory.put(NS, name, env.getSpec());
    this.probe = new OpenStackProbe(clouds, directory::get);
  }

  OpenStackClouds.Session session(OpenStackClouds.ProjectScope scope) throws OpenStackConfigException {
    return clouds.session(NS, env.getSpec().provider.openstack, name, scope);
  }

  CloudResources resources() throws OpenStackConfigException {
    var cloud = env.getSpec().provider.openstack;
    return new CloudResources(session(OpenStackClouds.ProjectScope.CREDENTIALS), session(OpenStackClouds.ProjectScope.ENVIRONMENT),
        new OpenStackNames(NS, name), OpenStackClouds.environmentProject(NS, name, cloud));
  }

  OpenStackActionSpec spec(String level) {
    return env.getSpec().ladder.stream().filter(l -> l.name.equals(level)).findFirst().orElseThrow().action.openstack;
  }

  ActionRequest request(String escalation, int step, int attempt, String level, Target target, List<Node> inventory) {
    return new ActionRequest(env, escalation, step, attempt, level, target, inventory);
  }

  /** Starts twice (the second finds the first's work) and polls until the run is no longer RUNNING. */
  ActionProgress run(String escalation, int step, int attempt, String level, Target target, List<Node> inventory)
      throws ActionFailedException {
    ActionRequest request = request(escalation, step, attempt, level, target, inventory);
    String handle = action.start(request, spec(level));
    assertThat(action.start(request, spec(level))).as("start is an ensure: the same request gives the same handle").isEqualTo(handle);
    return pollUntilDone(request, level, handle);
  }

  ActionProgress pollUntilDone(ActionRequest request, String level, String handle) {
    ActionProgress[] last = new ActionProgress[1];
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(OpenStackUnavailableException.class).until(() -> {
      last[0] = action.poll(request, spec(level), handle);
      return last[0].state() != ActionProgress.State.RUNNING;
    });
    return last[0];
  }

  /** Levels 1 to 3 for escalation {@code id}: project, network and the web tier; returns the tier's nodes. */
  List<Node> build(String id) throws ActionFailedException {
    assertThat(run(id, 0, 1, "project", Target.environment(), List.of()).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(run(id, 1, 1, "network", Target.environment(), List.of()).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    ActionProgress tier = run(id, 2, 1, "tier", Target.tier("web"), List.of());
    assertThat(tier.state()).as(tier.message()).isEqualTo(ActionProgress.State.SUCCEEDED);
    return tier.nodes();
  }

  ProbeResult check(OpenStackProbeSpec.Resource resource, String node) {
    OpenStackProbeSpec spec = new OpenStackProbeSpec();
    spec.resource = resource;
    OpenStackProbe.bind(spec, node == null ? Map.of("namespace", NS, "environment", name)
        : Map.of("namespace", NS, "environment", name, "tier", "web", "node.name", node));
    return probe.probe(spec, Duration.ofSeconds(10));
  }
}

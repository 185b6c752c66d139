package dev.escalator.operator.demo;

import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.JobActionSpec;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.OpenStackActionSpec;
import dev.escalator.operator.api.OpenStackCloudSpec;
import dev.escalator.operator.api.OpenStackNetworkActionSpec;
import dev.escalator.operator.api.OpenStackProbeSpec;
import dev.escalator.operator.api.OpenStackProjectActionSpec;
import dev.escalator.operator.api.OpenStackServerActionSpec;
import dev.escalator.operator.api.OpenStackTierActionSpec;
import dev.escalator.operator.api.OpenStackTierSpec;
import dev.escalator.operator.api.ProviderSpec;
import dev.escalator.operator.api.Scope;
import dev.escalator.operator.api.SecurityRuleSpec;
import dev.escalator.operator.api.TierSpec;
import dev.escalator.operator.api.WebhookActionSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.List;
import java.util.Map;

/**
 * The six-level ladder of the origin on OpenStack, for the demo and the cloud tests: project,
 * network, tier, server, converge (a Job per node), redeploy (a webhook to the demo service).
 * Checks: the cloud online (project), the core network (network), each node's server (server) and
 * the smoke test (redeploy).
 */
public final class CloudEnvironments {
  public static final String SECRET = "openstack-clouds";

  private CloudEnvironments() {}

  public static Environment sixLevels(String namespace, String name, String cloud, int webNodes, String serviceUrl) {
    Environment env = new Environment();
    env.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    EnvironmentSpec spec = new EnvironmentSpec();
    spec.quiescence = "1s";
    spec.escalation = DemoEnvironments.quickPolicy("20s");
    spec.provider = new ProviderSpec();
    spec.provider.openstack = new OpenStackCloudSpec();
    spec.provider.openstack.credentialsSecret = SECRET;
    spec.provider.openstack.cloud = cloud;

    TierSpec web = new TierSpec();
    web.name = "web";
    web.size = webNodes;
    web.openstack = new OpenStackTierSpec();
    web.openstack.flavor = "m1.nano";
    web.openstack.image = "cirros";
    web.openstack.userData = "#cloud-config\nhostname: ${node.name}\n";
    spec.tiers = List.of(web);

    LevelSpec project = level("project", Scope.Environment);
    project.action.openstack.project = new OpenStackProjectActionSpec();
    project.action.openstack.project.quotas = Map.of("instances", 20, "cores", 40, "ports", 100);
    LevelSpec network = level("network", Scope.Environment);
    network.action.openstack.network = new OpenStackNetworkActionSpec();
    SecurityRuleSpec http = new SecurityRuleSpec();
    http.portMin = 80;
    network.action.openstack.network.ingress = List.of(http);
    LevelSpec tier = level("tier", Scope.Tier);
    tier.action.openstack.tier = new OpenStackTierActionSpec();
    LevelSpec server = level("server", Scope.Node);
    server.action.openstack.server = new OpenStackServerActionSpec();
    LevelSpec converge = level("converge", Scope.Node);
    converge.action.openstack = null;
    converge.action.job = new JobActionSpec();
    converge.action.job.template = new PodTemplateSpecBuilder()
        .withNewSpec().addNewContainer().withName("ansible").withImage("registry.example/ansible-runner:2.17")
        .withArgs("site.yml", "--limit", "$(ESCALATOR_NODE_NAME)").endContainer().withRestartPolicy("Never").endSpec().build();
    LevelSpec redeploy = level("redeploy", Scope.Environment);
    redeploy.action.openstack = null;
    redeploy.action.webhook = new WebhookActionSpec();
    redeploy.action.webhook.url = serviceUrl + "/deploy?env=${environment}&escalation=${escalationId}";
    spec.ladder = List.of(project, network, tier, server, converge, redeploy);

    spec.checks = List.of(
        gate(openstack("cloud-online", OpenStackProbeSpec.Resource.Online, Scope.Environment, "project")),
        openstack("core-network", OpenStackProbeSpec.Resource.Network, Scope.Environment, "network"),
        openstack("server-active", OpenStackProbeSpec.Resource.Server, Scope.Node, "server"),
        DemoEnvironments.http("smoke", serviceUrl + "/smoke", "redeploy"));
    env.setSpec(spec);
    return env;
  }

  private static LevelSpec level(String name, Scope scope) {
    LevelSpec l = DemoEnvironments.level(name, "0s");
    l.scope = scope;
    l.timeout = "2m";
    l.action.openstack = new OpenStackActionSpec();
    return l;
  }

  private static CheckSpec gate(CheckSpec check) {
    check.gate = true;
    return check;
  }

  private static CheckSpec openstack(String name, OpenStackProbeSpec.Resource resource, Scope scope, String level) {
    CheckSpec c = new CheckSpec();
    c.name = name;
    c.scope = scope;
    c.escalatesTo = level;
    c.periodSeconds = 1;
    c.timeoutSeconds = 10;
    c.failureThreshold = 2;
    c.successThreshold = 1;
    c.openstack = new OpenStackProbeSpec();
    c.openstack.resource = resource;
    return c;
  }
}

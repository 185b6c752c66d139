package dev.escalator.operator.openstack;

import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.api.OpenStackProjectActionSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openstack4j.api.Builders;
import org.openstack4j.model.compute.builder.QuotaSetUpdateBuilder;
import org.openstack4j.model.identity.v3.Project;
import org.openstack4j.model.identity.v3.Role;
import org.openstack4j.model.network.NetQuota;
import org.openstack4j.model.network.builder.NetQuotaBuilder;

/**
 * Level "account": ensures the environment's Keystone project exists in its domain, the
 * credentials' user has {@code role} on it (so the later levels can work in it), and its quotas.
 * Runs with the credentials' own scope; creating projects needs the admin role, and a 403 says so.
 */
final class ProjectOperation implements OpenStackAction.Operation {
  private final OpenStackProjectActionSpec spec;

  ProjectOperation(OpenStackProjectActionSpec spec) {
    this.spec = spec;
  }

  @Override
  public String start(OpenStackAction.Context ctx) throws OpenStackException, OpenStackConfigException {
    try {
      return ensure(ctx);
    } catch (OpenStackException e) {
      if (e.status() != 403) throw e;
      throw new OpenStackException(e.getMessage() + " (the credentials of cloud '" + ctx.cloud().cloud
          + "' may not manage projects: that needs the admin role. Create the project by hand, name it in"
          + " spec.provider.openstack.project and leave the project level out, or give this level admin credentials)", 403, false, e);
    }
  }

  private String ensure(OpenStackAction.Context ctx) throws OpenStackException, OpenStackConfigException {
    CloudView admin = ctx.view(OpenStackClouds.ProjectScope.CREDENTIALS);
    OpenStackClouds.Session session = admin.session();
    String name = OpenStackClouds.environmentProject(ctx.request().namespace(), ctx.request().environmentName(), ctx.cloud());
    String domainId = domainId(session, ctx.cloud().projectDomain);
    Project project = find(session, name, domainId).orElse(null);
    if (project == null) {
      String description = spec.description != null ? spec.description
          : "Escalator environment " + ctx.names().owner() + " (" + OpenStackNames.ENVIRONMENT_KEY + "=" + ctx.names().owner() + ")";
      project = session.create("keystone: create project " + name, os -> os.identity().projects()
          .create(Builders.project().name(name).domainId(domainId).description(description).enabled(true).build()));
      ctx.clouds().forgetTokens(name);
    }
    String projectId = project.getId();
    String userId = session.userId();
    String roleName = spec.role == null ? "member" : spec.role;
    List<? extends Role> roles = session.call("keystone: find role " + roleName, os -> os.identity().roles().getByName(roleName));
    if (roles == null || roles.isEmpty()) {
      throw new OpenStackException("keystone: role " + roleName + " does not exist", 404, false, null);
    }
    String roleId = roles.get(0).getId();
    // Quotas before the grant: the Online check sees the grant, so an operator that stops in between
    // (a crash) leaves a project the check still fails, and this level runs again.
    if (spec.quotas != null && !spec.quotas.isEmpty()) setQuotas(session, projectId, name, spec.quotas);
    // Granting is idempotent in Keystone (a PUT); openstack4j cannot read the empty answer of the check call.
    session.call("keystone: grant role " + roleName + " on project " + name,
        os -> CloudView.ok(os.identity().roles().grantProjectUserRole(projectId, userId, roleId), false));
    return "project/" + projectId;
  }

  @Override
  public ActionProgress poll(OpenStackAction.Context ctx, String handle) throws OpenStackException, OpenStackConfigException {
    // The project is usable when a token scoped to it is issued.
    CloudView env = ctx.view(OpenStackClouds.ProjectScope.ENVIRONMENT);
    String id = env.projectId();
    return ActionProgress.succeeded("project " + env.session().project() + " (" + id + ") ready");
  }

  private static Optional<Project> find(OpenStackClouds.Session session, String name, String domainId) throws OpenStackException {
    return session.call("keystone: find project " + name, os -> Optional.ofNullable((Project) os.identity().projects().getByName(name, domainId)));
  }

  private static String domainId(OpenStackClouds.Session session, String domain) throws OpenStackException {
    String wanted = domain == null ? "Default" : domain;
    if (wanted.startsWith("id:")) return wanted.substring(3);
    if (wanted.equals("Default")) {
      // The default domain's id is "default" on every Keystone; no domain admin rights needed to know it.
      return "default";
    }
    return session.call("keystone: find domain " + wanted, os -> os.identity().domains().getByName(wanted).stream()
        .findFirst().map(d -> d.getId())
        .orElseThrow(() -> new org.openstack4j.api.exceptions.ClientResponseException("domain " + wanted + " not found", 404)));
  }

  /**
   * Sets the given quotas and leaves the others as they are. Nova's update omits unset fields;
   * openstack4j's Neutron quota sends every field (an unset one as 0), so the current Neutron
   * quotas are read first and sent back with the changes.
   */
  private static void setQuotas(OpenStackClouds.Session session, String projectId, String name, Map<String, Integer> quotas)
      throws OpenStackException {
    QuotaSetUpdateBuilder compute = Builders.quotaSet();
    Map<String, Integer> network = new java.util.HashMap<>();
    boolean anyCompute = false;
    for (Map.Entry<String, Integer> q : quotas.entrySet()) {
      int v = q.getValue();
      switch (q.getKey()) {
        case "instances" -> { compute.instances(v); anyCompute = true; }
        case "cores" -> { compute.cores(v); anyCompute = true; }
        case "ram" -> { compute.ram(v); anyCompute = true; }
        case "keyPairs" -> { compute.keyPairs(v); anyCompute = true; }
        case "networks", "subnets", "ports", "routers", "floatingIps", "securityGroups", "securityGroupRules" -> network.put(q.getKey(), v);
        default -> throw new OpenStackException("quota " + q.getKey() + " is not supported", 400, false, null);
      }
    }
    if (anyCompute) {
      session.call("nova: set quotas of project " + name, os -> os.compute().quotaSets().updateForTenant(projectId, compute.build()));
    }
    if (!network.isEmpty()) {
      session.call("neutron: set quotas of project " + name, os -> {
        NetQuota current = os.networking().quotas().get(projectId);
        NetQuotaBuilder b = Builders.netQuota()
            .network(network.getOrDefault("networks", current.getNetwork()))
            .subnet(network.getOrDefault("subnets", current.getSubnet()))
            .port(network.getOrDefault("ports", current.getPort()))
            .router(network.getOrDefault("routers", current.getRouter()))
            .floatingIP(network.getOrDefault("floatingIps", current.getFloatingIP()))
            .securityGroup(network.getOrDefault("securityGroups", current.getSecurityGroup()))
            .securityGroupRule(network.getOrDefault("securityGroupRules", current.getSecurityGroupRule()))
            .subnetpool(current.getSubnetpool())
            .rbacPolicy(current.getRbacPolicy());
        return os.networking().quotas().updateForTenant(projectId, b.build());
      });
    }
  }
}

package dev.escalator.operator.openstack.sim;

import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.openstack.OSFactory;

/** openstack4j clients authenticated against a simulator, the way Escalator's provider builds them. */
final class Clients {
  private Clients() {}

  static OSClientV3 admin(OpenStackSimulator sim) {
    return as(sim, OpenStackSimulator.ADMIN_USER, OpenStackSimulator.ADMIN_PASSWORD, OpenStackSimulator.ADMIN_PROJECT);
  }

  static OSClientV3 member(OpenStackSimulator sim) {
    return as(sim, OpenStackSimulator.MEMBER_USER, OpenStackSimulator.MEMBER_PASSWORD, OpenStackSimulator.MEMBER_PROJECT);
  }

  /** Password auth, project scoped by name and domain; also makes the client current on this thread. */
  static OSClientV3 as(OpenStackSimulator sim, String user, String password, String project) {
    return OSFactory.builderV3()
        .endpoint(sim.identityEndpoint())
        .credentials(user, password, Identifier.byName(OpenStackSimulator.DOMAIN))
        .scopeToProject(Identifier.byName(project), Identifier.byName(OpenStackSimulator.DOMAIN))
        .authenticate();
  }
}

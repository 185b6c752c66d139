package dev.escalator.operator.crash;

import dev.escalator.operator.openstack.sim.Faults;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import dev.escalator.operator.openstack.sim.Service;
import java.util.List;
import java.util.function.Predicate;

/**
 * The OpenStack simulator as a crash run's cloud: a crash lands right after a mutation with its
 * reply dropped, and the crashed instance's later calls get their connections reset.
 */
final class SimulatorCloud implements CrashCloud {
  static final String CLOUD = "sim";

  private final OpenStackSimulator sim = new OpenStackSimulator().start();
  private final SimulatorAudit audit = new SimulatorAudit(sim);

  SimulatorCloud() {
    audit.baseline();
  }

  @Override
  public String cloudName() {
    return CLOUD;
  }

  @Override
  public String cloudsYaml() {
    return sim.cloudsYaml(CLOUD);
  }

  @Override
  public void onEffect(Predicate<String> crashAfter) {
    sim.onMutation(m -> m.status() < 400 && crashAfter.test("openstack " + m.call())
        ? OpenStackSimulator.Delivery.DROP_REPLY : OpenStackSimulator.Delivery.REPLY);
  }

  @Override
  public void refuseCrashedInstance() {
    for (Service s : Service.values()) sim.faults().serviceDown(s, Faults.Outage.CONNECTION_RESET);
  }

  @Override
  public void acceptNewInstance() {
    sim.faults().clear();
  }

  @Override
  public List<String> leaks(int nodes) {
    return audit.leaks(nodes);
  }

  @Override
  public List<String> duplicates() {
    return audit.duplicates();
  }

  @Override
  public void close() {
    sim.close();
  }
}

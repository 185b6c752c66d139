package dev.escalator.operator.metal;

import dev.escalator.operator.api.BareMetalHostStatus.HostState;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator does to one host, as an ordered list of {@link Step}s. Each step is one BMC
 * call (or a read repeated until the BMC reports the wanted state), so a procedure can be resumed
 * at any step from the host's status.
 */
enum HostProcedure {
  /** Off and on again: for a host that hangs. */
  POWER_CYCLE("PowerCycle", HostState.powering),
  /** Boot once from the network or the virtual CD, to reinstall the host in place. */
  REPROVISION("Reprovision", HostState.provisioning),
  /** Install a host newly claimed for a node (a spare, or a tier's host). */
  PROVISION("Provision", HostState.provisioning),
  /** Power off a host taken out of service. */
  RETIRE("Retire", HostState.failed);

  /** One step: its name in status, and whether it waits for the BMC to report a state. */
  enum Step {
    INSERT_MEDIA("InsertMedia"),
    SET_BOOT_ONCE("SetBootOnce"),
    POWER_OFF("PowerOff"),
    AWAIT_POWER_OFF("AwaitPowerOff"),
    POWER_ON("PowerOn"),
    RESET("Reset"),
    /** On, and booted as far as the BMC tells (Redfish BootProgress OSRunning). */
    AWAIT_UP("AwaitUp");

    final String display;

    Step(String display) {
      this.display = display;
    }

    static Step parse(String display) {
      for (Step s : values()) {
        if (s.display.equals(display)) return s;
      }
      throw new IllegalArgumentException("unknown step '" + display + "'");
    }
  }

  final String display;
  /** The host's state while the procedure runs. */
  final HostState during;

  HostProcedure(String display, HostState during) {
    this.display = display;
    this.during = during;
  }

  static HostProcedure parse(String display) {
    for (HostProcedure p : values()) {
      if (p.display.equals(display)) return p;
    }
    throw new IllegalArgumentException("unknown host action '" + display + "'");
  }

  List<Step> steps(boolean virtualMedia) {
    return switch (this) {
      case POWER_CYCLE -> List.of(Step.POWER_OFF, Step.AWAIT_POWER_OFF, Step.POWER_ON, Step.AWAIT_UP);
      case REPROVISION, PROVISION -> {
        List<Step> steps = new ArrayList<>();
        if (virtualMedia) steps.add(Step.INSERT_MEDIA);
        steps.addAll(List.of(Step.SET_BOOT_ONCE, Step.RESET, Step.AWAIT_UP));
        yield List.copyOf(steps);
      }
      case RETIRE -> List.of(Step.POWER_OFF, Step.AWAIT_POWER_OFF);
    };
  }

  /** The host's state once the procedure succeeded. */
  HostState after() {
    return this == RETIRE ? HostState.failed : HostState.provisioned;
  }

  /** The host's state once the procedure failed: a retired host stays retired; others are held, not known good. */
  HostState afterFailure() {
    return this == RETIRE ? HostState.failed : HostState.claimed;
  }
}

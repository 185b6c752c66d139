package dev.escalator.operator.metal;

import java.util.Objects;

/**
 * What a BMC says about a host's power and boot: its power state and, where the BMC reports it
 * (Redfish ComputerSystem.BootProgress.LastState), how far the host booted; null when unknown.
 */
public record HostPower(PowerState state, String bootProgress) {
  /** Redfish BootProgress value for a host whose operating system is running. */
  public static final String OS_RUNNING = "OSRunning";

  public HostPower {
    Objects.requireNonNull(state, "state");
  }

  /** On, and booted as far as the BMC can tell: the OS runs, or the BMC does not track boot progress. */
  public boolean up() {
    return state == PowerState.ON && (bootProgress == null || OS_RUNNING.equals(bootProgress));
  }

  @Override
  public String toString() {
    return state.display() + (bootProgress == null ? "" : " (boot progress " + bootProgress + ")");
  }
}

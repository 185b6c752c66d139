package dev.escalator.operator.metal;

/** Power changes the procedures ask for; each driver maps them to its protocol's calls. */
public enum PowerAction {
  /** Redfish ResetType On; ipmitool power on. */
  ON("On", "on"),
  /** Redfish ForceOff; ipmitool power off (immediate, not a graceful shutdown). */
  FORCE_OFF("ForceOff", "off"),
  /** Redfish ForceRestart; ipmitool power reset (a warm reset, power stays on). */
  FORCE_RESTART("ForceRestart", "reset"),
  /** Redfish PowerCycle; ipmitool power cycle. */
  POWER_CYCLE("PowerCycle", "cycle");

  final String redfishResetType;
  final String ipmitoolPower;

  PowerAction(String redfishResetType, String ipmitoolPower) {
    this.redfishResetType = redfishResetType;
    this.ipmitoolPower = ipmitoolPower;
  }
}

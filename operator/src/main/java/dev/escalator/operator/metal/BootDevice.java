package dev.escalator.operator.metal;

/** One-time boot override targets: the network (PXE) or the BMC's virtual CD. */
public enum BootDevice {
  /** Redfish BootSourceOverrideTarget Pxe; ipmitool chassis bootdev pxe. */
  PXE("Pxe", "pxe"),
  /** Redfish Cd (the virtual media drive); ipmitool chassis bootdev cdrom. */
  CD("Cd", "cdrom");

  final String redfishTarget;
  final String ipmitoolDevice;

  BootDevice(String redfishTarget, String ipmitoolDevice) {
    this.redfishTarget = redfishTarget;
    this.ipmitoolDevice = ipmitoolDevice;
  }
}

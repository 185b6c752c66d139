package dev.escalator.operator.metal;

/** Opens a driver for a BMC; the metal action gets one injected, tests may count or wrap the calls. */
@FunctionalInterface
public interface BmcConnector {
  /**
   * A driver for {@code target}. The caller does not close it: the connector may hand the same
   * one (and its Redfish session) to later calls for the same target.
   *
   * @throws IllegalArgumentException when the address cannot be used with the protocol
   */
  Bmc connect(BmcTarget target);
}

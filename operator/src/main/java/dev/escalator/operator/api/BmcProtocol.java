package dev.escalator.operator.api;

/** How the operator talks to a host's BMC. Lower case, as users write them and as Metal3 does. */
public enum BmcProtocol {
  redfish,
  ipmi
}

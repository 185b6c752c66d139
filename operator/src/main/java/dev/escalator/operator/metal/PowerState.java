package dev.escalator.operator.metal;

import java.util.Locale;

/** A host's power as its BMC reports it. */
public enum PowerState {
  ON("On"),
  OFF("Off"),
  POWERING_ON("PoweringOn"),
  POWERING_OFF("PoweringOff");

  private final String redfish;

  PowerState(String redfish) {
    this.redfish = redfish;
  }

  /** The Redfish spelling ({@code PoweringOn}), which is also how status shows it. */
  public String display() {
    return redfish;
  }

  /** Parses Redfish's PowerState; {@code Paused} counts as on (the host is powered). */
  static PowerState fromRedfish(String value) {
    if (value == null) return null;
    for (PowerState s : values()) {
      if (s.redfish.equalsIgnoreCase(value)) return s;
    }
    return "paused".equals(value.toLowerCase(Locale.ROOT)) ? ON : null;
  }
}

package dev.escalator.operator.metal;

import dev.escalator.operator.api.BmcProtocol;
import java.time.Duration;
import java.util.Objects;

/** Everything needed to talk to one BMC. Its {@link #toString()} never shows the password. */
public record BmcTarget(BmcProtocol protocol, String address, BmcCredentials credentials, boolean insecureSkipVerify, Duration callTimeout) {
  public BmcTarget {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(callTimeout, "callTimeout");
  }
}

package dev.escalator.operator.metal;

import java.util.Objects;

/**
 * A BMC accepted a call. {@code taskMonitor} is set when the BMC works on it asynchronously (a
 * Redfish 202 with a task monitor); the call is done when the monitor says so.
 */
public record BmcReply(String call, String taskMonitor) {
  public BmcReply {
    Objects.requireNonNull(call, "call");
  }

  static BmcReply done(String call) {
    return new BmcReply(call, null);
  }
}

package dev.escalator.operator.openstack.sim;

/** One simulated service: its routes (below its path prefix) and how it renders an error. */
interface ServiceApi {
  Routes routes();

  /** The error in this service's own wire format, which openstack4j parses for its message. */
  Reply error(ApiError e);
}

package dev.escalator.operator.api;

/** How the server level repairs one node's server. */
public enum ServerStrategy {
  reboot,
  rebuild,
  recreate
}

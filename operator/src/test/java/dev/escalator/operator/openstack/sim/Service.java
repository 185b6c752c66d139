package dev.escalator.operator.openstack.sim;

/**
 * The OpenStack services the simulator serves, each under its own path prefix on the one port,
 * with the catalog type and name openstack4j needs: its endpoint resolver takes a catalog entry
 * only when both the type and the name map to the same service ({@code compute}/{@code nova}).
 */
public enum Service {
  IDENTITY("/identity", "identity", "keystone", "/v3"),
  COMPUTE("/compute", "compute", "nova", "/v2.1"),
  NETWORK("/network", "network", "neutron", ""),
  IMAGE("/image", "image", "glance", ""),
  PLACEMENT("/placement", "placement", "placement", "");

  private final String prefix;
  private final String catalogType;
  private final String catalogName;
  private final String catalogSuffix;

  Service(String prefix, String catalogType, String catalogName, String catalogSuffix) {
    this.prefix = prefix;
    this.catalogType = catalogType;
    this.catalogName = catalogName;
    this.catalogSuffix = catalogSuffix;
  }

  /** The path every URL of this service starts with, e.g. {@code /compute}. */
  public String prefix() {
    return prefix;
  }

  String catalogType() {
    return catalogType;
  }

  String catalogName() {
    return catalogName;
  }

  /**
   * What the catalog URL adds to the prefix. Nova's and Keystone's catalog URLs carry their version,
   * Neutron's and Glance's do not (openstack4j appends {@code /v2.0} and {@code /v2} itself).
   */
  String catalogSuffix() {
    return catalogSuffix;
  }

  static Service forPath(String path) {
    for (Service s : values()) {
      if (path.equals(s.prefix) || path.startsWith(s.prefix + "/")) return s;
    }
    return null;
  }
}

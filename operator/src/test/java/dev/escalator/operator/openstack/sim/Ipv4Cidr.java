package dev.escalator.operator.openstack.sim;

/** An IPv4 CIDR and the address arithmetic Neutron's IPAM needs: gateway, pool, membership. */
record Ipv4Cidr(long network, int prefix) {
  static Ipv4Cidr parse(String cidr) {
    if (cidr == null) throw ApiError.badRequest("Invalid input for cidr. Reason: 'None' is not a valid IP subnet.");
    int slash = cidr.indexOf('/');
    if (slash < 0) throw ApiError.badRequest("Invalid input for cidr. Reason: '" + cidr + "' is not a valid IP subnet.");
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("Invalid input for cidr. Reason: '" + cidr + "' is not a valid IP subnet.");
    }
    if (prefix < 0 || prefix > 32) throw ApiError.badRequest("Invalid input for cidr. Reason: '" + cidr + "' is not a valid IP subnet.");
    long address = toLong(cidr.substring(0, slash));
    long mask = mask(prefix);
    if ((address & mask) != address) {
      throw ApiError.badRequest("Invalid input for cidr. Reason: '" + cidr + "' isn't a recommended CIDR, '" + toString(address & mask) + "/" + prefix + "' is recommended");
    }
    return new Ipv4Cidr(address, prefix);
  }

  static long toLong(String ip) {
    String[] parts = ip == null ? new String[0] : ip.split("\\.", -1);
    if (parts.length != 4) throw ApiError.badRequest("Invalid input: '" + ip + "' is not a valid IPv4 address.");
    long v = 0;
    for (String p : parts) {
      int octet;
      try {
        octet = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("Invalid input: '" + ip + "' is not a valid IPv4 address.");
      }
      if (octet < 0 || octet > 255) throw ApiError.badRequest("Invalid input: '" + ip + "' is not a valid IPv4 address.");
      v = (v << 8) | octet;
    }
    return v;
  }

  static String toString(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  private static long mask(int prefix) {
    return (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  long broadcast() {
    return network | (~mask(prefix) & 0xFFFFFFFFL);
  }

  boolean contains(String ip) {
    long v = toLong(ip);
    return (v & mask(prefix)) == network;
  }

  boolean overlaps(Ipv4Cidr other) {
    int p = Math.min(prefix, other.prefix);
    return (network & mask(p)) == (other.network & mask(p));
  }

  String firstHost() {
    return toString(network + 1);
  }

  @Override
  public String toString() {
    return toString(network) + "/" + prefix;
  }
}

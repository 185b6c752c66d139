package dev.escalator.operator.openstack.sim;

/** The kinds of resource the simulator stores and counts, so tests can assert nothing leaked or doubled. */
public enum Kind {
  PROJECT,
  USER,
  ROLE_ASSIGNMENT,
  NETWORK,
  SUBNET,
  PORT,
  ROUTER,
  SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  SERVER,
  SERVER_GROUP,
  KEYPAIR
}

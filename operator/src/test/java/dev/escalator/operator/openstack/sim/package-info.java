/**
 * An in-process OpenStack API simulator for fast tests, the crash harness and {@code make demo}:
 * {@link dev.escalator.operator.openstack.sim.OpenStackSimulator} serves Keystone v3, Nova 2.1,
 * Neutron v2.0, Glance v2 and a Placement stub on one port of 127.0.0.1, in the wire formats
 * openstack4j 3.12 sends and parses, with fault injection
 * ({@link dev.escalator.operator.openstack.sim.Faults}) and counters. It is a simulator: tests that
 * need real OpenStack behaviour beyond it run against the real cloud the project's scripts start.
 */
package dev.escalator.operator.openstack.sim;

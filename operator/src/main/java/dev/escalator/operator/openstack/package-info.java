/**
 * The OpenStack provider: credentials from a clouds.yaml Secret, one authenticated, retried and
 * circuit-broken connection per cloud and project ({@link OpenStackClouds}), the four ladder actions
 * (project, network, tier, server) as "ensure" operations, and the provider checks.
 */
package dev.escalator.operator.openstack;

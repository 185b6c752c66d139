/**
 * Bare metal: the {@code metal} action type and what it stands on. {@link
 * dev.escalator.operator.metal.Bmc} is one host's baseboard management controller, with a
 * Redfish driver ({@link dev.escalator.operator.metal.RedfishBmc}, JDK HttpClient) and an IPMI
 * driver ({@link dev.escalator.operator.metal.IpmiBmc}, {@code ipmitool -I lanplus}); {@link
 * dev.escalator.operator.metal.HostInventory} finds, claims and releases {@code BareMetalHost}
 * resources with optimistic concurrency; {@link dev.escalator.operator.metal.MetalAction} runs a
 * host procedure (power-cycle, reprovision, replace, provision) one non-blocking step per poll,
 * recording each step in the host's status so a restarted operator resumes it; {@link
 * dev.escalator.operator.metal.ClaimReleaser} returns the hosts of deleted Environments to their
 * pool. Nothing here knows ladders.
 */
package dev.escalator.operator.metal;

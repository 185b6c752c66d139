/**
 * Probe runners, one class per check type behind {@link dev.escalator.operator.check.Probe},
 * registered in {@link dev.escalator.operator.check.CheckTypes}; the expansion of scoped checks
 * over the inventory; kubelet-style thresholds; and the scheduler that runs probes on virtual
 * threads, apart from the reconcile threads, and reports verdict changes.
 */
package dev.escalator.operator.check;

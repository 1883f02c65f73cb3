/**
 * Resilience: which failures are retried and when
 * ({@link dev.mesh.resilience.RetryRule}), the retry budget that keeps retries from
 * turning an outage into a storm ({@link dev.mesh.resilience.RetryBudget}), passive
 * health checking that ejects failing instances
 * ({@link dev.mesh.resilience.OutlierDetector}), and the deadline a caller propagates
 * ({@link dev.mesh.resilience.InboundDeadline}).
 */
package dev.mesh.resilience;

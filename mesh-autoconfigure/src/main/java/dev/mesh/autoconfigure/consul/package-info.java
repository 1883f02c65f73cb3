/**
 * Where the Consul agent is:
 * {@link dev.mesh.autoconfigure.consul.ConsulConnectionDetails}, the auto-configuration
 * that points Spring Cloud Consul at it, and the Testcontainers factory that makes
 * {@code @ServiceConnection ConsulContainer} work.
 */
package dev.mesh.autoconfigure.consul;

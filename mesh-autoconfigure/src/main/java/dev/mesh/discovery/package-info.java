/**
 * Discovery: the cached, background-refreshed view of each service's instances
 * ({@link dev.mesh.discovery.ServiceInstanceCache}), the per-instance view the pickers use
 * ({@link dev.mesh.discovery.MeshInstance}) and the metadata every mesh instance publishes.
 */
package dev.mesh.discovery;

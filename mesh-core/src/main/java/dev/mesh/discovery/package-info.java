/**
 * Discovery: the cached, background-refreshed view of each service's instances
 * ({@link dev.mesh.discovery.ServiceInstanceCache}), the per-instance view the pickers
 * use ({@link dev.mesh.discovery.MeshInstance}), the metadata every mesh instance
 * publishes, how an instance's or request's URI is written into messages
 * ({@link dev.mesh.discovery.RedactedUris}), and the clock every layer reads time from
 * ({@link dev.mesh.discovery.MeshClock}).
 */
package dev.mesh.discovery;

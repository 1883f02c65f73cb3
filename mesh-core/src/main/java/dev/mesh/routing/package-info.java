/**
 * Routing by version: the {@code Mesh-Route-Version} pin a request carries, read from
 * trusted callers and passed on to the mesh calls made while handling it.
 */
package dev.mesh.routing;

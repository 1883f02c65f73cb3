/**
 * Sample mesh service "inventory": keeps stock in memory and takes reservations against it. Every
 * response names the instance that served it in the {@code X-Mesh-Instance} header, so callers can
 * see how the mesh spread their traffic.
 */
package dev.mesh.sample.inventory;

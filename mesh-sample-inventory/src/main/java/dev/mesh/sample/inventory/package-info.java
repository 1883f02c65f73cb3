/**
 * Sample mesh service "inventory": keeps stock and reservations in a database that all
 * its instances share (so an {@code Idempotency-Key} retried on another instance finds
 * the first reservation). Every response names the instance that served it in the
 * {@code X-Mesh-Instance} header, so callers can see how the mesh spread their traffic.
 */
package dev.mesh.sample.inventory;

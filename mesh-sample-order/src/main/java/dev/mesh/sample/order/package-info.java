/**
 * Sample mesh service "order": places orders by reserving stock at the "inventory"
 * service through a {@link dev.mesh.client.MeshClient @MeshClient} RestClient, and
 * records which inventory instance served each order.
 */
package dev.mesh.sample.order;

package dev.mesh.sample.order;

/**
 * A reservation inventory made for an order.
 *
 * @param reservationId inventory's id of the reservation
 * @param instance the inventory instance that made it (its {@code X-Mesh-Instance}
 * header)
 */
record InventoryReservation(String reservationId, String instance) {
}

package dev.mesh.sample.order;

/**
 * A placed order; also the response body of the order endpoints.
 *
 * @param orderId id of the order
 * @param sku the ordered SKU
 * @param quantity how many units
 * @param reservationId inventory's reservation for the order
 * @param inventoryInstance the inventory instance that served the reservation
 */
record Order(String orderId, String sku, int quantity, String reservationId, String inventoryInstance) {
}

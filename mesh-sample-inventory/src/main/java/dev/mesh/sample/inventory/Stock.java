package dev.mesh.sample.inventory;

/**
 * Response body of {@code GET /api/stock/{sku}}.
 *
 * @param sku the SKU
 * @param available units available now
 */
record Stock(String sku, int available) {
}

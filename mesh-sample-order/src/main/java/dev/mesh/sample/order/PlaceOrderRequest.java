package dev.mesh.sample.order;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * Body of {@code POST /api/orders}.
 *
 * @param sku the SKU to order
 * @param quantity how many units, more than 0
 */
record PlaceOrderRequest(@NotBlank String sku, @NotNull @Positive Integer quantity) {
}

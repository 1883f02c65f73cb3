package dev.mesh.sample.inventory;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * Body of {@code POST /api/reservations}.
 *
 * @param orderId the order the units are for
 * @param sku the SKU to reserve
 * @param quantity how many units, more than 0
 */
record ReservationRequest(@NotBlank String orderId, @NotBlank String sku, @NotNull @Positive Integer quantity) {
}

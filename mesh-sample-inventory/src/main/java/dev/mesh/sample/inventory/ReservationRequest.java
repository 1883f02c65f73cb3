package dev.mesh.sample.inventory;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/reservations}.
 *
 * @param orderId the order the units are for, at most {@value #MAX_ID_LENGTH} characters
 * @param sku the SKU to reserve, at most {@value #MAX_ID_LENGTH} characters
 * @param quantity how many units, more than 0
 */
record ReservationRequest(@NotBlank @Size(max = MAX_ID_LENGTH) String orderId,
		@NotBlank @Size(max = MAX_ID_LENGTH) String sku, @NotNull @Positive Integer quantity) {

	/**
	 * Longest order id and SKU accepted; the database columns hold this many characters.
	 */
	static final int MAX_ID_LENGTH = 100;

}

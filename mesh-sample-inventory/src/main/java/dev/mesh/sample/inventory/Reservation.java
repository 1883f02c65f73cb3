package dev.mesh.sample.inventory;

import java.util.Objects;

import org.springframework.lang.Nullable;

/**
 * Units of one SKU set aside for an order; also the response body of
 * {@code POST /api/reservations}.
 *
 * @param reservationId id of the reservation
 * @param orderId the order the units are for
 * @param sku the reserved SKU
 * @param quantity how many units
 * @param instance id of the inventory instance that made the reservation
 * @param caller client id of the service that asked for it, from its validated token;
 * {@code null} when the service runs without an issuer (open)
 */
record Reservation(String reservationId, String orderId, String sku, int quantity, String instance,
		@Nullable String caller) {

	/**
	 * @param request a reservation request
	 * @param caller client id of the service that sent it, or {@code null}
	 * @return whether this reservation is what the request asks for, asked by the same
	 * caller (so one caller cannot read another's reservation by guessing its key)
	 */
	boolean answers(ReservationRequest request, @Nullable String caller) {
		return this.orderId.equals(request.orderId()) && this.sku.equals(request.sku())
				&& this.quantity == request.quantity() && Objects.equals(this.caller, caller);
	}

}

package dev.mesh.sample.order;

import dev.mesh.client.MeshClient;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Reserves stock at the inventory service. The order id is sent as
 * {@code Idempotency-Key}, so the mesh may retry the POST, on another inventory instance
 * too, and inventory still reserves only once: its instances keep keys in one shared
 * database. (Send the header only to services that deduplicate across all their
 * instances; otherwise a retry does the work twice.)
 */
@Component
final class InventoryClient {

	/** Response header in which inventory names the instance that served the request. */
	static final String INSTANCE_HEADER = "X-Mesh-Instance";

	private final RestClient inventory;

	InventoryClient(@MeshClient("inventory") RestClient inventory) {
		this.inventory = inventory;
	}

	/**
	 * @param orderId the order the stock is for; also the idempotency key
	 * @param sku the SKU to reserve
	 * @param quantity how many units
	 * @return the reservation and the inventory instance that made it
	 * @throws org.springframework.web.client.RestClientException if inventory could not
	 * be reached or refused the reservation
	 * ({@link dev.mesh.client.NoInstanceAvailableException} when no instance is
	 * available)
	 */
	InventoryReservation reserve(String orderId, String sku, int quantity) {
		ResponseEntity<ReservationReply> reply = this.inventory.post()
			.uri("/api/reservations")
			.header("Idempotency-Key", orderId)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ReservationRequest(orderId, sku, quantity))
			.retrieve()
			.toEntity(ReservationReply.class);
		ReservationReply body = reply.getBody();
		String servedBy = reply.getHeaders().getFirst(INSTANCE_HEADER);
		return new InventoryReservation(body.reservationId(), (servedBy != null) ? servedBy : body.instance());
	}

	/** What inventory's {@code POST /api/reservations} expects. */
	record ReservationRequest(String orderId, String sku, int quantity) {
	}

	/** The part of inventory's reservation that order uses. */
	record ReservationReply(String reservationId, String instance) {
	}

}

package dev.mesh.sample.inventory;

import dev.mesh.security.MeshCaller;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/reservations/{id}} reads a reservation any instance made (404
 * otherwise). {@code POST /api/reservations}: reserves stock for an order, once per
 * {@code Idempotency-Key} across all instances. A repeated key, on this instance or
 * another, is answered exactly like the first request (201, same body) plus
 * {@value #REPLAYED_HEADER}, so a client that retries after a lost response cannot tell
 * the difference; the same key with a different request is refused (422), and a key that
 * is empty, repeated, longer than {@value IdempotencyKey#MAX_LENGTH} characters or not
 * printable ASCII is refused (400). The reservation records the calling service
 * ({@link MeshCaller}) as {@code caller}.
 */
@RestController
final class ReservationController {

	/** Request header that makes a reservation request safe to repeat. */
	static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

	/**
	 * Response header set to {@code true} when the response repeats an earlier
	 * reservation.
	 */
	static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final ReservationDesk desk;

	ReservationController(ReservationDesk desk) {
		this.desk = desk;
	}

	@PostMapping("/api/reservations")
	ResponseEntity<Reservation> reserve(@Valid @RequestBody ReservationRequest request,
			@RequestHeader HttpHeaders headers, @Nullable MeshCaller caller) {
		// All header lines, not Spring's comma-joined String: two different keys must be
		// refused, not merged.
		String key = IdempotencyKey.of(headers.get(IDEMPOTENCY_KEY_HEADER));
		ReservationDesk.Outcome outcome = this.desk.reserve(request, key, (caller != null) ? caller.clientId() : null);
		ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.CREATED);
		if (outcome.replayed()) {
			response.header(REPLAYED_HEADER, "true");
		}
		return response.body(outcome.reservation());
	}

	@GetMapping("/api/reservations/{id}")
	ResponseEntity<Reservation> get(@PathVariable String id) {
		Reservation reservation = this.desk.find(id);
		return (reservation != null) ? ResponseEntity.ok(reservation) : ResponseEntity.notFound().build();
	}

}

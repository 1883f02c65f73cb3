package dev.mesh.sample.inventory;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.lang.Nullable;
import org.springframework.stereotype.Service;

/**
 * Makes reservations, at most once per {@code Idempotency-Key}: a request that repeats a key gets the
 * reservation made the first time, and stock is taken only once, however many copies arrive at once.
 * Keys are kept in memory for the life of the process, which is enough for a sample.
 */
@Service
final class ReservationDesk {

	private final StockLedger stock;

	private final InstanceId instanceId;

	private final ConcurrentMap<String, Reservation> byIdempotencyKey = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Reservation> byId = new ConcurrentHashMap<>();

	private final AtomicInteger made = new AtomicInteger();

	ReservationDesk(StockLedger stock, InstanceId instanceId) {
		this.stock = stock;
		this.instanceId = instanceId;
	}

	/**
	 * Reserves stock for the request, or returns the reservation already made under the same key.
	 * @param request a valid reservation request
	 * @param idempotencyKey the request's {@code Idempotency-Key}, or {@code null}
	 * @return the reservation and whether it was made by this call
	 * @throws InsufficientStockException if the stock does not cover the request; nothing is stored
	 * @throws IdempotencyKeyReusedException if the key was used for a different request
	 */
	Outcome reserve(ReservationRequest request, @Nullable String idempotencyKey) {
		return reserve(request, idempotencyKey, null);
	}

	/**
	 * Reserves stock for the request, or returns the reservation already made under the same key.
	 * @param request a valid reservation request
	 * @param idempotencyKey the request's {@code Idempotency-Key}, or {@code null}
	 * @param caller client id of the calling service, or {@code null} when the call was not authenticated
	 * @return the reservation and whether it was made by this call
	 * @throws InsufficientStockException if the stock does not cover the request; nothing is stored
	 * @throws IdempotencyKeyReusedException if the key was used for a different request
	 */
	Outcome reserve(ReservationRequest request, @Nullable String idempotencyKey, @Nullable String caller) {
		if (idempotencyKey == null) {
			return new Outcome(make(request, caller), false);
		}
		boolean[] madeNow = { false };
		Reservation reservation = this.byIdempotencyKey.computeIfAbsent(idempotencyKey, (key) -> {
			madeNow[0] = true;
			return make(request, caller);
		});
		if (!madeNow[0] && !reservation.answers(request)) {
			throw new IdempotencyKeyReusedException(idempotencyKey);
		}
		return new Outcome(reservation, !madeNow[0]);
	}

	/**
	 * @param reservationId id of a reservation this instance made
	 * @return the reservation, or {@code null} if this instance made none with that id
	 */
	@Nullable
	Reservation find(String reservationId) {
		return this.byId.get(reservationId);
	}

	/** @return how many reservations this instance has made */
	int count() {
		return this.made.get();
	}

	private Reservation make(ReservationRequest request, @Nullable String caller) {
		this.stock.take(request.sku(), request.quantity());
		this.made.incrementAndGet();
		Reservation reservation = new Reservation(UUID.randomUUID().toString(), request.orderId(), request.sku(),
				request.quantity(), this.instanceId.value(), caller);
		this.byId.put(reservation.reservationId(), reservation);
		return reservation;
	}

	/**
	 * What a call to {@link #reserve} did.
	 *
	 * @param reservation the reservation
	 * @param replayed whether it was made by an earlier request with the same key
	 */
	record Outcome(Reservation reservation, boolean replayed) {
	}

}

package dev.mesh.sample.inventory;

import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Makes reservations, at most once per {@code Idempotency-Key} across all inventory
 * instances: a request that repeats a key, on this instance or another, gets the
 * reservation made the first time, and stock is taken only once however many copies
 * arrive at once. Keys, reservations and stock are in the database the instances share;
 * the unique key column decides which copy wins.
 */
@Service
final class ReservationDesk {

	private final StockLedger stock;

	private final ReservationTable reservations;

	private final TransactionOperations transactions;

	private final InstanceId instanceId;

	ReservationDesk(StockLedger stock, ReservationTable reservations, TransactionOperations transactions,
			InstanceId instanceId) {
		this.stock = stock;
		this.reservations = reservations;
		this.transactions = transactions;
		this.instanceId = instanceId;
	}

	/**
	 * Reserves stock for the request, or returns the reservation already made under the
	 * same key.
	 * @param request a valid reservation request
	 * @param idempotencyKey the request's {@code Idempotency-Key} (checked by
	 * {@link IdempotencyKey}), or {@code null}
	 * @param caller client id of the calling service, or {@code null} when the call was
	 * not authenticated
	 * @return the reservation and whether it was made by an earlier request
	 * @throws InsufficientStockException if the stock does not cover the request; nothing
	 * is stored
	 * @throws IdempotencyKeyReusedException if the key was used for a different request
	 * or by another caller
	 */
	Outcome reserve(ReservationRequest request, @Nullable String idempotencyKey, @Nullable String caller) {
		Reservation reservation = new Reservation(UUID.randomUUID().toString(), request.orderId(), request.sku(),
				request.quantity(), this.instanceId.value(), caller);
		try {
			// Key first, then stock, in one transaction: a duplicate key or a shortage
			// rolls back both.
			this.transactions.executeWithoutResult((status) -> {
				this.reservations.insert(reservation, idempotencyKey);
				this.stock.take(request.sku(), request.quantity());
			});
			return new Outcome(reservation, false);
		}
		catch (DuplicateKeyException ex) {
			if (idempotencyKey == null) {
				throw ex;
			}
			// The key's row is committed (a duplicate is reported only once the other
			// insert commits) and
			// never deleted, so it is there to read.
			Reservation earlier = this.reservations.findByIdempotencyKey(idempotencyKey)
				.orElseThrow(() -> new IllegalStateException("Idempotency-Key row vanished", ex));
			if (!earlier.answers(request, caller)) {
				throw new IdempotencyKeyReusedException(idempotencyKey);
			}
			return new Outcome(earlier, true);
		}
	}

	/**
	 * @param reservationId id of a reservation any instance made
	 * @return the reservation, or {@code null} if there is none with that id
	 */
	@Nullable
	Reservation find(String reservationId) {
		return this.reservations.findById(reservationId).orElse(null);
	}

	/**
	 * @return how many reservations all instances have made
	 */
	int count() {
		return this.reservations.count();
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

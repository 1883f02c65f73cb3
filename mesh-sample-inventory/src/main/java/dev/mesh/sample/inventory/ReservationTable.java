package dev.mesh.sample.inventory;

import java.util.Optional;

import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * The {@code reservation} table that every inventory instance shares: reservations and
 * the {@code Idempotency-Key} each was made under. The key column is unique, so of two
 * instances inserting the same key at once exactly one succeeds and the other gets
 * {@link org.springframework.dao.DuplicateKeyException}.
 */
@Component
@DependsOnDatabaseInitialization
final class ReservationTable {

	/**
	 * The columns of a {@link Reservation}, named as its components for Spring's record
	 * row mapper.
	 */
	private static final String SELECT = "SELECT reservation_id, order_id, sku, quantity, instance_id AS instance, "
			+ "caller FROM reservation";

	private final JdbcClient jdbc;

	ReservationTable(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @param reservation the reservation to store
	 * @param idempotencyKey the key it is made under, or {@code null}
	 * @throws org.springframework.dao.DuplicateKeyException if a reservation with that
	 * key exists, or is being inserted by a transaction that then commits
	 */
	void insert(Reservation reservation, @Nullable String idempotencyKey) {
		this.jdbc
			.sql("INSERT INTO reservation (reservation_id, order_id, sku, quantity, instance_id, caller, "
					+ "idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?)")
			.params(reservation.reservationId(), reservation.orderId(), reservation.sku(), reservation.quantity(),
					reservation.instance(), reservation.caller(), idempotencyKey)
			.update();
	}

	Optional<Reservation> findById(String reservationId) {
		return this.jdbc.sql(SELECT + " WHERE reservation_id = ?")
			.param(reservationId)
			.query(Reservation.class)
			.optional();
	}

	Optional<Reservation> findByIdempotencyKey(String idempotencyKey) {
		return this.jdbc.sql(SELECT + " WHERE idempotency_key = ?")
			.param(idempotencyKey)
			.query(Reservation.class)
			.optional();
	}

	/**
	 * @return how many reservations all instances have made
	 */
	int count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM reservation").query(Integer.class).single();
	}

}

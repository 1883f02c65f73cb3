package dev.mesh.sample.inventory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReservationDesk} without a web server, on a real in-memory H2 database with the
 * inventory's schema: one key, many concurrent requests, one reservation.
 */
class ReservationDeskTests {

	private final InventoryProperties properties = new InventoryProperties("inventory-test", Map.of("SKU-1", 100));

	private final EmbeddedDatabase database = new EmbeddedDatabaseBuilder().generateUniqueName(true)
		.setType(EmbeddedDatabaseType.H2)
		.addScript("db/inventory-schema.sql")
		.build();

	private final JdbcClient jdbc = JdbcClient.create(this.database);

	private final StockLedger stock = new StockLedger(this.jdbc, this.properties);

	private final ReservationDesk desk = new ReservationDesk(this.stock, new ReservationTable(this.jdbc),
			new TransactionTemplate(new DataSourceTransactionManager(this.database)),
			new InstanceId(this.properties, "inventory"));

	@AfterEach
	void shutDown() {
		this.database.shutdown();
	}

	@Test
	void shouldTakeStockOnceWhenTheSameKeyArrivesConcurrently() throws Exception {
		ReservationRequest request = new ReservationRequest("order-1", "SKU-1", 7);
		Set<String> reservationIds = ConcurrentHashMap.newKeySet();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			for (int i = 0; i < 64; i++) {
				pool.execute(() -> {
					awaitQuietly(start);
					reservationIds.add(this.desk.reserve(request, "order-1", null).reservation().reservationId());
				});
			}
			start.countDown();
		}
		finally {
			pool.shutdown();
			assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}

		assertThat(reservationIds).hasSize(1);
		assertThat(this.desk.count()).isEqualTo(1);
		assertThat(this.stock.available("SKU-1")).isEqualTo(93);
	}

	@Test
	void shouldUseTheConfiguredInstanceId() {
		ReservationDesk.Outcome outcome = this.desk.reserve(new ReservationRequest("order-2", "SKU-1", 1), null, null);

		assertThat(outcome.reservation().instance()).isEqualTo("inventory-test");
		assertThat(outcome.replayed()).isFalse();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package dev.mesh.sample.inventory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReservationDesk} without a server: one key, many concurrent requests, one reservation.
 */
class ReservationDeskTest {

	private final InventoryProperties properties = new InventoryProperties("inventory-test", Map.of("SKU-1", 100));

	private final StockLedger stock = new StockLedger(this.properties);

	private final ReservationDesk desk = new ReservationDesk(this.stock,
			new InstanceId(this.properties, "inventory"));

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
					reservationIds.add(this.desk.reserve(request, "order-1").reservation().reservationId());
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
		ReservationDesk.Outcome outcome = this.desk.reserve(new ReservationRequest("order-2", "SKU-1", 1), null);

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

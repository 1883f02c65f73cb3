package dev.mesh.sample.order;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

/**
 * The placed orders, in memory, by id.
 */
@Component
final class OrderBook {

	private final ConcurrentMap<String, Order> orders = new ConcurrentHashMap<>();

	void add(Order order) {
		this.orders.put(order.orderId(), order);
	}

	Optional<Order> find(String orderId) {
		return Optional.ofNullable(this.orders.get(orderId));
	}

	int size() {
		return this.orders.size();
	}

}

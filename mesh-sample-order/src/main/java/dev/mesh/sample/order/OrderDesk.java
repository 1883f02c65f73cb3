package dev.mesh.sample.order;

import java.util.UUID;

import org.springframework.stereotype.Service;

/**
 * Places orders: reserves the stock at inventory, then records the order. An order whose
 * reservation fails is not recorded.
 */
@Service
final class OrderDesk {

	private final InventoryClient inventory;

	private final OrderBook orders;

	OrderDesk(InventoryClient inventory, OrderBook orders) {
		this.inventory = inventory;
		this.orders = orders;
	}

	/**
	 * @param request a valid order request
	 * @return the placed order
	 * @throws org.springframework.web.client.RestClientException if inventory did not
	 * reserve the stock
	 */
	Order place(PlaceOrderRequest request) {
		String orderId = UUID.randomUUID().toString();
		InventoryReservation reservation = this.inventory.reserve(orderId, request.sku(), request.quantity());
		Order order = new Order(orderId, request.sku(), request.quantity(), reservation.reservationId(),
				reservation.instance());
		this.orders.add(order);
		return order;
	}

	/**
	 * @param orderId id of an order
	 * @return the order
	 * @throws OrderNotFoundException if there is no such order
	 */
	Order get(String orderId) {
		return this.orders.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
	}

}

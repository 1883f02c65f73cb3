package dev.mesh.sample.order;

/**
 * Thrown when an order that was never placed is looked up.
 */
final class OrderNotFoundException extends RuntimeException {

	OrderNotFoundException(String orderId) {
		super("No order with id '" + orderId + "'");
	}

}

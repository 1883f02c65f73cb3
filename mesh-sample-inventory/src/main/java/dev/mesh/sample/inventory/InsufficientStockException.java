package dev.mesh.sample.inventory;

/**
 * Thrown when a reservation asks for more units than are available.
 */
final class InsufficientStockException extends RuntimeException {

	InsufficientStockException(String sku, int requested, int available) {
		super("SKU '" + sku + "' has " + available + " units available, " + requested + " requested");
	}

}

package dev.mesh.sample.inventory;

/**
 * Thrown when stock of a SKU the inventory does not keep is looked up.
 */
final class UnknownSkuException extends RuntimeException {

	UnknownSkuException(String sku) {
		super("No stock is kept for SKU '" + sku + "'");
	}

}

package dev.mesh.sample.inventory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

/**
 * Units available per SKU, in memory, seeded from {@code inventory.stock}. Safe for concurrent use:
 * each change is one atomic update of the SKU's count.
 */
@Component
final class StockLedger {

	private final ConcurrentMap<String, Integer> available;

	StockLedger(InventoryProperties properties) {
		this.available = new ConcurrentHashMap<>(properties.stock());
	}

	/**
	 * @param sku the SKU to look up
	 * @return units available now
	 * @throws UnknownSkuException if no stock is kept for the SKU
	 */
	int available(String sku) {
		Integer units = this.available.get(sku);
		if (units == null) {
			throw new UnknownSkuException(sku);
		}
		return units;
	}

	/**
	 * Takes units out of stock, all or none.
	 * @param sku the SKU to take
	 * @param quantity how many units, more than 0
	 * @throws InsufficientStockException if fewer units are available, or none are kept for the SKU
	 */
	void take(String sku, int quantity) {
		Integer left = this.available.computeIfPresent(sku, (key, units) -> {
			if (units < quantity) {
				throw new InsufficientStockException(sku, quantity, units);
			}
			return units - quantity;
		});
		if (left == null) {
			throw new InsufficientStockException(sku, quantity, 0);
		}
	}

}

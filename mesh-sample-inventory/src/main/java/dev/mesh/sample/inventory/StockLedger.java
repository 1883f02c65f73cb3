package dev.mesh.sample.inventory;

import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Units available per SKU, in the {@code stock} table that every inventory instance
 * shares. On start, each SKU of {@code inventory.stock} that the table does not have yet
 * is added with that many units; SKUs already there keep their count, so an instance that
 * restarts does not undo the others' reservations. Each change is one conditional
 * {@code UPDATE}, so instances never oversell between them.
 */
@Component
@DependsOnDatabaseInitialization
final class StockLedger {

	private final JdbcClient jdbc;

	StockLedger(JdbcClient jdbc, InventoryProperties properties) {
		this.jdbc = jdbc;
		properties.stock().forEach(this::addIfMissing);
	}

	/**
	 * @param sku the SKU to look up
	 * @return units available now
	 * @throws UnknownSkuException if no stock is kept for the SKU
	 */
	int available(String sku) {
		return this.jdbc.sql("SELECT available FROM stock WHERE sku = ?")
			.param(sku)
			.query(Integer.class)
			.optional()
			.orElseThrow(() -> new UnknownSkuException(sku));
	}

	/**
	 * Takes units out of stock, all or none. Called inside the reservation's transaction,
	 * so a failure after it (or this one) takes nothing.
	 * @param sku the SKU to take
	 * @param quantity how many units, more than 0
	 * @throws InsufficientStockException if fewer units are available, or none are kept
	 * for the SKU
	 */
	void take(String sku, int quantity) {
		int updated = this.jdbc.sql("UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?")
			.params(quantity, sku, quantity)
			.update();
		if (updated == 0) {
			int available = this.jdbc.sql("SELECT available FROM stock WHERE sku = ?")
				.param(sku)
				.query(Integer.class)
				.optional()
				.orElse(0);
			throw new InsufficientStockException(sku, quantity, available);
		}
	}

	private void addIfMissing(String sku, int units) {
		try {
			this.jdbc.sql("INSERT INTO stock (sku, available) VALUES (?, ?)").params(sku, units).update();
		}
		catch (DuplicateKeyException ex) {
			// Added by an earlier start or by another instance (also one starting now);
			// its count stands.
		}
	}

}

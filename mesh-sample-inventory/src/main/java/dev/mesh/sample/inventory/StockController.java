package dev.mesh.sample.inventory;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/stock/{sku}}: units available for a SKU.
 */
@RestController
final class StockController {

	private final StockLedger stock;

	StockController(StockLedger stock) {
		this.stock = stock;
	}

	@GetMapping("/api/stock/{sku}")
	Stock stock(@PathVariable String sku) {
		return new Stock(sku, this.stock.available(sku));
	}

}

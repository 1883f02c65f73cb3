package dev.mesh.sample.inventory;

import java.util.Map;

import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the inventory sample ({@code inventory.*}).
 *
 * @param instanceId id this instance reports in the {@code X-Mesh-Instance} header; when not set,
 * {@code <spring.application.name>-<actual server port>}
 * @param stock units available at start, by SKU
 */
@ConfigurationProperties("inventory")
@Validated
record InventoryProperties(String instanceId, Map<String, @PositiveOrZero Integer> stock) {

	InventoryProperties {
		stock = (stock != null) ? Map.copyOf(stock) : Map.of();
	}

}

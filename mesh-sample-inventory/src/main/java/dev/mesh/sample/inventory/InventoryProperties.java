package dev.mesh.sample.inventory;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the inventory sample ({@code inventory.*}).
 *
 * @param instanceId id this instance reports in the {@code X-Mesh-Instance} header; when
 * not set, {@code <spring.application.name>-<actual server port>}
 * @param stock units of each SKU that the shared database gets when it does not have that
 * SKU yet (the first instance to start adds them; a SKU already there keeps its count)
 */
@ConfigurationProperties("inventory")
@Validated
record InventoryProperties(String instanceId,
		Map<@NotBlank @Size(max = ReservationRequest.MAX_ID_LENGTH) String, @PositiveOrZero Integer> stock) {

	InventoryProperties {
		stock = (stock != null) ? Map.copyOf(stock) : Map.of();
	}

}

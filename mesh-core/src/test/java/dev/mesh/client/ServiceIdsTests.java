package dev.mesh.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @MeshClient} value is a bare service id: nothing in it can become another part
 * of the URIs the mesh builds.
 */
class ServiceIdsTests {

	@ParameterizedTest
	@ValueSource(strings = { "inventory", "order-service", "order_service", "inventory.v2", "a", "3d-render" })
	void acceptsTheServiceIdsRegistriesUse(String value) {
		assertThat(ServiceIds.problem(value)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "inventory?x=1", "inventory#frag", "user@inventory", "inventory:8080", "http://inventory",
			"inventory/api", " inventory", "inventory ", "in ventory", "-inventory", ".inventory", "inventory%2F",
			"inventory\n", "[::1]" })
	void refusesWhatCouldTurnIntoAnotherPartOfAUri(String value) {
		assertThat(ServiceIds.problem(value)).contains("bare service id");
	}

	@Test
	void refusesABlankName() {
		assertThat(ServiceIds.problem("  ")).isEqualTo("the service name is blank");
		assertThat(ServiceIds.problem(null)).isEqualTo("the service name is blank");
	}

}

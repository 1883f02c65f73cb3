package dev.mesh.client;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.observability.ClientSnapshot;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zone affinity and slow start end to end: a real application calling real embedded
 * Tomcat instances found through Spring Cloud's {@code SimpleDiscoveryClient}, whose
 * metadata carries zones and start times; each server records the requests it served.
 */
class BalancingIntegrationTests {

	private static final String INSTANCES = "spring.cloud.discovery.client.simple.instances.inventory";

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@Test
	void shouldKeepCallsInTheLocalZoneAndSpillOverWhenALocalInstanceDies() {
		TestServer a1 = this.mesh.server("a1");
		TestServer b1 = this.mesh.server("b1");
		TestServer a2 = this.mesh.server("a2");
		this.mesh.start(List.of(a1, b1, a2), "mesh.instance.zone=zone-a",
				"mesh.clients.inventory.zone-affinity.enabled=true", "mesh.clients.inventory.load-balancer=round-robin",
				"mesh.clients.inventory.outlier.consecutive-failures=1",
				"mesh.clients.inventory.retry.backoff.initial=1ms", INSTANCES + "[0].metadata.zone=zone-a",
				INSTANCES + "[1].metadata.zone=zone-b", INSTANCES + "[2].metadata.zone=zone-a");
		Map<String, Integer> servedBy = calls(40);
		assertThat(servedBy).containsExactlyInAnyOrderEntriesOf(Map.of("a1", 20, "a2", 20));
		assertThat(b1.requests()).isZero();
		assertThat(snapshot().localZone()).isEqualTo("zone-a");
		assertThat(snapshot().localZoneInUse()).isTrue();

		a1.close();
		servedBy = calls(40);
		assertThat(servedBy.values().stream().mapToInt(Integer::intValue).sum()).as("no call failed").isEqualTo(40);
		assertThat(servedBy).containsOnlyKeys("a2", "b1");
		assertThat(servedBy.get("b1")).as("half of zone-a is ejected, below 70%: every zone takes calls").isPositive();
		assertThat(snapshot().localZoneInUse()).isFalse();
	}

	@Test
	void shouldGiveAJustStartedInstanceAReducedShareUntilItHasWarmedUp() {
		TestServer warm = this.mesh.server("warm");
		TestServer fresh = this.mesh.server("fresh");
		this.mesh.start(List.of(warm, fresh), "mesh.clients.inventory.slow-start.enabled=true",
				INSTANCES + "[1].metadata.started-at=" + Instant.now(), INSTANCES + "[1].metadata.warmup=1h");
		// Within minutes of a 1h warm-up the ramp is at its 10% floor: weights 100 and
		// 10, so 10 to 1.
		Map<String, Integer> servedBy = calls(220);
		assertThat(servedBy).containsExactlyInAnyOrderEntriesOf(Map.of("warm", 200, "fresh", 20));
		ClientSnapshot.Instance warming = snapshot().instances().get(1);
		assertThat(warming.id()).isEqualTo("fresh");
		assertThat(warming.warming()).isTrue();
		assertThat(warming.effectiveWeight()).isEqualTo(0.1);
		assertThat(warming.weight()).isEqualTo(1);
	}

	private Map<String, Integer> calls(int count) {
		RestClient inventory = this.mesh.inventory();
		Map<String, Integer> servedBy = new HashMap<>();
		for (int i = 0; i < count; i++) {
			servedBy.merge(inventory.get().uri("/api/stock/1").retrieve().body(String.class), 1, Integer::sum);
		}
		return servedBy;
	}

	private ClientSnapshot snapshot() {
		return ClientSnapshots.of(this.mesh.bean(MeshClientFactory.class).route("inventory"));
	}

}

package dev.mesh.client;

import java.util.Map;

import dev.mesh.loadbalancer.VersionSplit;
import dev.mesh.routing.VersionPin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which version a call goes to: its own pin for the called service, else the pin of the
 * request being handled, else the split.
 */
class VersionRouteTests {

	@AfterEach
	void clear() {
		VersionPin.clear();
	}

	@Test
	void shouldKeepTheInboundPinWhenTheCallsOwnPinNamesOnlyOtherServices() {
		VersionPin.set(VersionPin.parse("inventory=1.5"));
		assertThat(VersionRoute.of(call("billing=2.0"), "inventory", VersionSplit.NONE)).isEqualTo("1.5");
		assertThat(VersionRoute.of(call("inventory=1.6"), "inventory", VersionSplit.NONE)).isEqualTo("1.6");
		assertThat(VersionRoute.of(call(null), "inventory", VersionSplit.NONE)).isEqualTo("1.5");
	}

	@Test
	void shouldDrawFromTheSplitWithoutAPinForTheService() {
		VersionSplit split = VersionSplit.of(Map.of("1.4", 1));
		assertThat(VersionRoute.of(call("billing=2.0"), "inventory", split)).isEqualTo("1.4");
		assertThat(VersionRoute.of(call(null), "inventory", VersionSplit.NONE)).isNull();
	}

	private static HttpRequest call(String pin) {
		HttpRequest request = ExchangeTestSupport.request(HttpMethod.GET);
		if (pin != null) {
			request.getHeaders().set(VersionPin.HEADER, pin);
		}
		return request;
	}

}

package dev.mesh.client;

import java.net.URI;
import java.util.Map;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a request URI is moved onto an instance: every attempt's URI must be exactly what
 * parsing {@code base + path} would give, whichever way it is built.
 */
class ServiceUrisTests {

	@Test
	void shouldUseARelativeRequestUriAsItIs() {
		URI request = URI.create("/api/stock/x%201?full=true&a=%2F#part");
		assertThat(ServiceUris.relative("inventory", request)).isSameAs(request);
	}

	@Test
	void shouldTakePathQueryAndFragmentOfAServiceUri() {
		assertThat(ServiceUris.relative("inventory", URI.create("http://Inventory/api/x%201?q=a%20b#f")))
			.hasToString("/api/x%201?q=a%20b#f");
		assertThat(ServiceUris.relative("inventory", URI.create("https://inventory"))).hasToString("/");
		assertThat(ServiceUris.relative("inventory", URI.create("api/stock/1?x=1"))).hasToString("/api/stock/1?x=1");
	}

	@Test
	void shouldRefuseAnotherHostAPortOrUserInfo() {
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> ServiceUris.relative("inventory", URI.create("http://billing/x")));
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> ServiceUris.relative("inventory", URI.create("http://inventory:80/x")));
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> ServiceUris.relative("inventory", URI.create("http://me@inventory/x")));
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> ServiceUris.relative("inventory", URI.create("ftp://inventory/x")));
	}

	@Test
	void shouldAddressAnInstanceExactlyAsParsingTheJoinedStringWould() {
		URI relative = URI.create("/api/stock/x%201?full=true&a=%2F#part");
		for (String base : new String[] { "http://127.0.0.1:8080", "https://10.0.0.7:8443", "http://[::1]:9000",
				"http://inventory-7.svc.local:80" }) {
			URI onInstance = ServiceUris.onInstance(instance(URI.create(base)), relative);
			URI parsed = URI.create(base + relative);
			assertThat(onInstance).isEqualTo(parsed).hasToString(parsed.toString());
			assertThat(onInstance.getHost()).isEqualTo(parsed.getHost());
			assertThat(onInstance.getPort()).isEqualTo(parsed.getPort());
			assertThat(onInstance.getRawPath()).isEqualTo("/api/stock/x%201");
			assertThat(onInstance.getRawQuery()).isEqualTo("full=true&a=%2F");
			assertThat(onInstance.getRawFragment()).isEqualTo("part");
		}
	}

	@Test
	void shouldKeepTheBasePathOfAnInstanceRegisteredWithOne() {
		MeshInstance instance = instance(URI.create("http://10.0.0.7:8080/inventory/"));
		assertThat(instance.root()).isNull();
		assertThat(ServiceUris.onInstance(instance, URI.create("/api/stock/1?x=1")))
			.hasToString("http://10.0.0.7:8080/inventory/api/stock/1?x=1");
	}

	private static MeshInstance instance(URI uri) {
		ServiceInstance registered = new DefaultServiceInstance("i-1", "inventory", uri.getHost(), uri.getPort(),
				"https".equals(uri.getScheme()), Map.of()) {

			@Override
			public URI getUri() {
				return uri;
			}

		};
		return MeshInstance.of(registered, 1);
	}

}

package dev.mesh.starter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.SpringVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A web service with nothing but the starter (and a web server) starts without warnings
 * that are not its own to act on: only the mesh's two notices that, with no OAuth2
 * configured, it accepts calls without a token and sends its calls without one. Spring
 * Cloud LoadBalancer's "default cache" warning is gone because the starter brings
 * Caffeine. The "Standard Commons Logging discovery" notice, which Spring Framework 6's
 * spring-jcl prints when the commons-logging jar (brought by Consul's HTTP client) comes
 * first on the class path, as it can in a packaged application, cannot happen: the
 * starter keeps commons-logging off the class path. Consul's client is created as usual
 * (no agent is needed until the instance registers, which is switched off here: nothing
 * listens at its address). The same source runs on both Boot lines (mesh-boot4-starter
 * compiles it too).
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterStartupTests {

	/** Warnings a user of the starter should see: each says what to configure. */
	private static final List<String> EXPECTED = List.of("This service accepts unauthenticated calls",
			"Mesh clients send calls without OAuth2 tokens");

	@Test
	void startsWithoutWarningsFromLibraries(CapturedOutput output) throws IOException {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Service.class)
			.properties("spring.application.name=order", "server.port=0", "server.address=127.0.0.1",
					"spring.main.banner-mode=off", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + closedPort(), "spring.cloud.consul.discovery.register=false",
					"spring.cloud.consul.discovery.catalog-services-watch.enabled=false")
			.run()) {
			assertThat(context.getBean(DiscoveryClient.class)).isNotNull();
		}
		List<String> warnings = output.getAll()
			.lines()
			.filter((line) -> line.contains(" WARN ") || line.startsWith("WARN") || line.contains("Standard Commons"))
			.filter((line) -> EXPECTED.stream().noneMatch(line::contains))
			.toList();
		assertThat(warnings).isEmpty();
	}

	@Test
	void bringsOneCommonsLoggingApi() throws IOException {
		List<URL> logFactories = Collections
			.list(getClass().getClassLoader().getResources("org/apache/commons/logging/LogFactory.class"));
		// Framework 6 has its own (spring-jcl) and the starter keeps commons-logging off
		// the class path; Framework 7 uses commons-logging itself
		String expected = SpringVersion.getVersion().startsWith("6.") ? "spring-jcl" : "commons-logging";
		assertThat(logFactories).singleElement()
			.satisfies((logFactory) -> assertThat(logFactory.toString()).contains(expected));
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Service {

	}

}

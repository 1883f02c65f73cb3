package dev.mesh.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.mesh.testsupport.ServerPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real application with the starter and no token issuer configured: it serves every
 * request without a token, warns exactly once that it does, and Spring Boot's generated
 * password never appears.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshSecurityOpenStartupTests {

	private static final String WARNING = "This service accepts unauthenticated calls: no token issuer is configured.";

	@Test
	void shouldStayOpenWarnOnceAndNeverGenerateAPassword(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OpenApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
					"spring.application.name=inventory", "spring.cloud.consul.enabled=false")
			.run()) {
			int port = ServerPorts.of(context);
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/reservations"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("reserved for nobody");
			assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
		}
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(WARNING), -1)).hasSize(2);
		assertThat(output).contains("WARN").contains("spring.security.oauth2.resourceserver.jwt.issuer-uri");
		assertThat(output).doesNotContain("Using generated security password").doesNotContain("UserDetailsService");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ReservationController.class)
	static class OpenApplication {

	}

	@RestController
	static class ReservationController {

		@PostMapping("/api/reservations")
		String reserve(dev.mesh.security.MeshCaller caller) {
			return "reserved for " + ((caller != null) ? caller.clientId() : "nobody");
		}

	}

}

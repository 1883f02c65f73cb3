package dev.mesh.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh.client.MeshClient;
import dev.mesh.discovery.InstanceWeight;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.TestAuthorizationServer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code mesh} endpoint's writes on a service with the mesh's resource server on
 * (issuer from the real test authorization server): without a token nothing changes and
 * the answer is 401; with a real token the change is made and the audit line names the
 * token's client id, never the token.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshControlSecurityTests {

	private static final ObjectMapper json = new ObjectMapper();

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void shouldRefuseWritesWithoutATokenAndApplyAndAuditThemWithOne(CapturedOutput output) throws Exception {
		TestAuthorizationServer auth = this.mesh.keep(TestAuthorizationServer.start());
		TestServer a = this.mesh.server("a");
		this.mesh.start(Consumer.of(PaymentsApplication.class).servlet(), List.of(a),
				"spring.application.name=payments", "mesh.instance.weight=5",
				"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + auth.issuer(),
				"spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + auth.jwkSetUri(),
				"management.endpoints.web.exposure.include=health,mesh");
		InstanceWeight weight = this.mesh.bean(InstanceWeight.class);

		assertThat(post("/actuator/mesh", "{\"weight\": 0}", null).statusCode()).isEqualTo(401);
		assertThat(post("/actuator/mesh/inventory", "{\"action\": \"eject\", \"instance\": \"a\"}", null).statusCode())
			.isEqualTo(401);
		assertThat(post("/actuator/mesh", "{\"weight\": 0}", "not-a-token").statusCode()).isEqualTo(401);
		assertThat(weight.current()).isEqualTo(5);
		assertThat(output).doesNotContain("mesh control by");

		String token = auth.token("order", "payments.write");
		HttpResponse<String> applied = post("/actuator/mesh", "{\"weight\": 0}", token);
		assertThat(applied.statusCode()).isEqualTo(200);
		assertThat(weight.current()).isZero();
		HttpResponse<String> ejected = post("/actuator/mesh/inventory", "{\"action\": \"eject\", \"instance\": \"a\"}",
				token);
		assertThat(ejected.statusCode()).isEqualTo(200);
		assertThat(json.readTree(ejected.body()).path("client").path("instances").get(0).path("ejected").asBoolean())
			.isTrue();
		assertThat(output).contains("mesh control by order: weight 5 -> 0 (local only")
			.contains("mesh control by order: eject instance 'a' of service 'inventory'")
			.doesNotContain(token);
	}

	private HttpResponse<String> post(String path, String body, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.mesh.port() + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PaymentsApplication {

		@Bean
		@MeshClient("inventory")
		static RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}

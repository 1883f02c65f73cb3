package dev.mesh.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.RedactedUris;
import dev.mesh.security.TokenUnavailableException;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every message the mesh builds from a URI names scheme, host, port and path, and never
 * the user info or query, which may carry credentials ({@code http://user:pass@host/},
 * {@code ?api_key=...}): such messages end up in logs, error responses and traces.
 */
class UriMessagesTests {

	@Test
	void shouldNotPutTheUserInfoOrQueryOfARefusedHostIntoForeignHostException() {
		for (String refused : new String[] { "http://admin:s3cret@billing/x?api_key=k1",
				"http://admin:s3cret@inventory/x", "https://admin:s3cret@10.0.0.1:8443/x?api_key=k1#f",
				"ftp://admin:s3cret@inventory/x", "http://admin:s3cret@in_ventory:80/x" }) {
			assertThatExceptionOfType(ForeignHostException.class)
				.isThrownBy(() -> ServiceUris.relative("inventory", URI.create(refused)))
				.satisfies((ex) -> assertThat(ex.getMessage()).as(refused)
					.doesNotContain("s3cret")
					.doesNotContain("admin")
					.doesNotContain("api_key")
					.containsPattern("refused request to [a-z]+://[0-9a-z._]+(:[0-9]+)?$"));
		}
	}

	@Test
	void shouldKeepTheHostAndPortOfARefusedHost() {
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> ServiceUris.relative("inventory", URI.create("https://u:p@10.0.0.1:8443/x")))
			.withMessageEndingWith("refused request to https://10.0.0.1:8443");
	}

	@Test
	void shouldNotPutTheQueryIntoTheTimeoutOfAnAttemptAServerNeverAnswers() throws IOException {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread acceptor = new Thread(() -> {
				try (Socket ignored = silent.accept()) {
					ignored.getInputStream().transferTo(OutputStreamSink.INSTANCE);
				}
				catch (IOException ex) {
					// closed by the test
				}
			});
			acceptor.setDaemon(true);
			acceptor.start();
			AttemptWatchdog watchdog = new AttemptWatchdog();
			MeshClientHttpRequestFactory factory = new MeshClientHttpRequestFactory("inventory",
					MeshTransports.jdk().create("inventory", ClientPolicy.DEFAULTS), Duration.ofMillis(200), 1024, true,
					watchdog);
			URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/api/stock/1?api_key=k1");
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> factory.createRequest(uri, HttpMethod.GET).execute())
				.withMessageContaining("http://127.0.0.1:" + silent.getLocalPort() + "/api/stock/1")
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("api_key"));
			factory.close();
			watchdog.close();
		}
	}

	@Test
	void shouldNotShowTheUserInfoOrQueryOfARegisteredAddress() {
		DefaultServiceInstance registered = new DefaultServiceInstance("i-1", "inventory", "10.0.0.1", 8080, false,
				Map.of()) {

			@Override
			public URI getUri() {
				return URI.create("http://admin:s3cret@10.0.0.1:8080/base?api_key=k1");
			}

		};
		MeshInstance instance = MeshInstance.of(registered, 1);
		assertThat(instance.toString()).doesNotContain("s3cret")
			.doesNotContain("api_key")
			.contains("http://10.0.0.1:8080/base");
	}

	@Test
	void shouldNotRepeatTheUserInfoOfATokenEndpointInTokenUnavailableException() {
		RuntimeException cause = new IllegalStateException(
				"I/O error on POST request for \"http://order:s3cret@auth:9000/oauth2/token\": Connection refused");
		assertThat(new TokenUnavailableException("mesh", "inventory", cause).getMessage()).doesNotContain("s3cret")
			.doesNotContain("order:")
			.contains("\"http://auth:9000/oauth2/token\": Connection refused");
	}

	@Test
	void shouldRedactTextThatIsNoUri() {
		assertThat(RedactedUris.of("http://u:p@host:80/a b?k=v")).isEqualTo("http://host:80/a b");
		assertThat(RedactedUris.of("http://u:p@10.0.0.1:8080/base?api_key=1#f")).isEqualTo("http://10.0.0.1:8080/base");
		assertThat(RedactedUris.of(URI.create("/relative?x=1"))).isEqualTo("/relative");
		assertThat(RedactedUris.of(URI.create("http://[::1]:9000"))).isEqualTo("http://[::1]:9000");
	}

	/** Discards what the client sends. */
	private static final class OutputStreamSink extends java.io.OutputStream {

		static final OutputStreamSink INSTANCE = new OutputStreamSink();

		@Override
		public void write(int b) {
		}

	}

}

package dev.mesh.client;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import dev.mesh.testsupport.BootHttpClientProperties;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer.Answer;
import dev.mesh.testsupport.RawHttpServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large upload retried on another instance: every attempt sends the caller's bytes
 * whole, and the mesh makes no copy of the body per attempt of its own (the
 * {@code RestClient} buffers it once; the {@code jdk} transport writes it once per
 * attempt into an array of its exact length, docs/transports.md).
 */
@Timeout(60)
class UploadTests {

	private static final int SIZE = 8 * 1024 * 1024;

	@RegisterExtension
	final MeshFixture raw = new MeshFixture();

	/**
	 * @param copiesPerAttempt the whole copies of the body the transport makes per
	 * attempt (on jdk the mesh's one exact-size array and the JDK client's send buffers,
	 * filled on the calling thread)
	 */
	@ParameterizedTest
	@CsvSource({ "http-components, 0", "jdk, 2", "simple, 0" })
	void aLargeUploadRetriedElsewhereIsSentWholeWithoutACopyPerAttemptOfTheMeshs(String transport,
			int copiesPerAttempt) {
		RawHttpServer busy = server("busy", Answer.ascii("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"));
		RawHttpServer ok = server("ok", Answer.ascii("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));
		this.raw.start(List.of(busy, ok), BootHttpClientProperties.FACTORY + "=" + transport,
				"mesh.clients.inventory.load-balancer=round-robin", "mesh.clients.inventory.per-attempt-timeout=10s",
				"mesh.clients.inventory.outlier.consecutive-failures=1000");
		byte[] body = new byte[SIZE];
		new Random(16).nextBytes(body);
		CRC32 crc = new CRC32();
		crc.update(body);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long allocated = -1;
		// round robin: within a few calls one starts on the busy instance and is retried
		// on the other (the first
		// such call warms up; the next is measured)
		int retried = 0;
		for (int call = 0; call < 8 && retried < 2; call++) {
			int busyBefore = busy.requests();
			int okBefore = ok.requests();
			long allocatedBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
			assertThat(post(body)).isEqualTo("ok");
			long used = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocatedBefore;
			assertThat(ok.requests() - okBefore).as("answered by the other instance").isEqualTo(1);
			if (busy.requests() - busyBefore == 1) {
				retried++;
				allocated = used;
			}
		}
		assertThat(retried).as("calls retried on the other instance").isEqualTo(2);
		for (RawHttpServer server : List.of(busy, ok)) {
			RawHttpServer.Received last = server.received().get(server.received().size() - 1);
			assertThat(last.bodyLength()).as(server.toString()).isEqualTo(SIZE);
			assertThat(last.bodyCrc32()).isEqualTo(crc.getValue());
		}
		// the RestClient's own buffer (its chunks, then one array) is about 2 bodies;
		// then per attempt the
		// transport's copies; half a body of slack for everything else
		long bound = (long) SIZE * (2 + 2 * copiesPerAttempt) + SIZE / 2;
		assertThat(allocated).as("bytes allocated by the calling thread for a %d-byte upload sent twice", SIZE)
			.isLessThan(bound);
	}

	private String post(byte[] body) {
		return this.raw.inventory()
			.post()
			.uri("/api/upload")
			.header("Idempotency-Key", "upload-1")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(body)
			.retrieve()
			.body(String.class);
	}

	private RawHttpServer server(String id, Answer answer) {
		RawHttpServer server = RawHttpServer.start(id, answer);
		this.raw.keep(server);
		return server;
	}

}

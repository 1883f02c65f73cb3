package dev.mesh.client;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ResponseSizeLimit#read}: the whole body, however the stream hands it over and
 * whatever length it announced, never more than the limit, and the usual announced body
 * read without a chunk buffer.
 */
class ResponseSizeLimitReadTests {

	@Test
	void readsABodyOfTheAnnouncedLength() throws IOException {
		assertThat(ResponseSizeLimit.read(stream(bytes(10)), 10, 1024)).isEqualTo(bytes(10));
	}

	@Test
	void readsABodyHandedOverAByteAtATime() throws IOException {
		assertThat(ResponseSizeLimit.read(oneByteAtATime(bytes(100)), 100, 1024)).isEqualTo(bytes(100));
		assertThat(ResponseSizeLimit.read(oneByteAtATime(bytes(100)), -1, 1024)).isEqualTo(bytes(100));
	}

	/**
	 * BufferedResponse then fails the attempt, comparing the length with the announced
	 * one.
	 */
	@Test
	void returnsABodyThatEndsBeforeItsAnnouncedLengthAsItArrived() throws IOException {
		assertThat(ResponseSizeLimit.read(stream(bytes(6)), 10, 1024)).isEqualTo(bytes(6));
	}

	@Test
	void readsOnPastTheAnnouncedLengthUnderTheLimitAndRefusesPastIt() throws IOException {
		assertThat(ResponseSizeLimit.read(stream(bytes(300)), 10, 1024)).isEqualTo(bytes(300));
		assertThat(ResponseSizeLimit.read(stream(bytes(11)), 10, 11)).isEqualTo(bytes(11));
		assertThatExceptionOfType(ResponseSizeLimit.Exceeded.class)
			.isThrownBy(() -> ResponseSizeLimit.read(stream(bytes(2000)), 10, 1024))
			.withMessage("more than 1024 bytes arrived");
		assertThatExceptionOfType(ResponseSizeLimit.Exceeded.class)
			.isThrownBy(() -> ResponseSizeLimit.read(stream(bytes(11)), 10, 10))
			.withMessage("more than 10 bytes arrived");
	}

	@Test
	void readsALargeAnnouncedBodyAndAnUnannouncedOne() throws IOException {
		int large = 1024 * 1024 + 5; // over ResponseSizeLimit.EXACT_MAX
		assertThat(ResponseSizeLimit.read(stream(bytes(large)), large, 4 * large)).isEqualTo(bytes(large));
		assertThat(ResponseSizeLimit.read(stream(bytes(20_000)), -1, 20_000)).isEqualTo(bytes(20_000));
		assertThatExceptionOfType(ResponseSizeLimit.Exceeded.class)
			.isThrownBy(() -> ResponseSizeLimit.read(stream(bytes(20_001)), -1, 20_000));
	}

	/**
	 * A limit over 2 GB (max-response-size=3GB) with a length announced under it, but no
	 * such body.
	 */
	@Test
	void takesAnAnnouncedLengthOverTwoGigabytesUnderALargerLimit() throws IOException {
		assertThat(ResponseSizeLimit.read(stream(bytes(10)), 3_000_000_000L, 4_000_000_000L)).isEqualTo(bytes(10));
	}

	/**
	 * Every buffered response goes through here: a short body of known length costs its
	 * own array, not an 8 KB chunk and two copies besides (about 8.3 KB per read before).
	 */
	@Test
	void readsAShortAnnouncedBodyWithoutAChunkBuffer() throws IOException {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		byte[] body = bytes(16);
		ByteArrayInputStream[] streams = new ByteArrayInputStream[1000];
		for (int i = 0; i < streams.length; i++) {
			streams[i] = stream(body);
		}
		long before = threads.getCurrentThreadAllocatedBytes();
		for (ByteArrayInputStream in : streams) {
			ResponseSizeLimit.read(in, 16, 10 * 1024 * 1024);
		}
		long perRead = (threads.getCurrentThreadAllocatedBytes() - before) / streams.length;
		assertThat(perRead).isLessThan(1024);
	}

	private static byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		Arrays.setAll(new int[length], (i) -> bytes[i] = (byte) i);
		return bytes;
	}

	private static ByteArrayInputStream stream(byte[] bytes) {
		return new ByteArrayInputStream(bytes);
	}

	private static InputStream oneByteAtATime(byte[] bytes) {
		return new FilterInputStream(stream(bytes)) {
			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				return super.read(b, off, Math.min(len, 1));
			}
		};
	}

}

package dev.mesh.observability;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tags of {@code mesh.client.requests}: the convention keeps each combination it built, so it must
 * never hand one attempt the tags of another.
 */
class MeshObservationConventionsTests {

	private final MeshObservationConventions.Attempts attempts = new MeshObservationConventions.Attempts();

	@Test
	void shouldTagEachAttemptWithItsOwnServiceInstanceMethodStatusOutcomeAndNumber() {
		assertThat(tags(attempt("inventory", "a", "GET", 1, "200", "SUCCESS"))).containsExactly(
				KeyValue.of("attempt", "1"), KeyValue.of("instance", "a"), KeyValue.of("method", "GET"),
				KeyValue.of("outcome", "SUCCESS"), KeyValue.of("service", "inventory"), KeyValue.of("status", "200"));
		assertThat(tags(attempt("inventory", "a", "GET", 2, "200", "SUCCESS"))).contains(KeyValue.of("attempt", "2"));
		assertThat(tags(attempt("inventory", "b", "GET", 1, "200", "SUCCESS"))).contains(KeyValue.of("instance", "b"));
		assertThat(tags(attempt("inventory", "a", "POST", 1, "200", "SUCCESS"))).contains(KeyValue.of("method", "POST"));
		assertThat(tags(attempt("inventory", "a", "GET", 1, "503", "SERVER_ERROR")))
			.contains(KeyValue.of("status", "503"), KeyValue.of("outcome", "SERVER_ERROR"));
		assertThat(tags(attempt("billing", "a", "GET", 1, "200", "SUCCESS"))).contains(KeyValue.of("service", "billing"));
		assertThat(tags(attempt("inventory", "a", "GET", 1, "200", "SUCCESS"))).contains(KeyValue.of("attempt", "1"),
				KeyValue.of("instance", "a"), KeyValue.of("method", "GET"), KeyValue.of("status", "200"));
	}

	@Test
	void shouldTagAnAttemptThatHasNotEndedAsSuch() {
		MeshAttemptContext started = new MeshAttemptContext(new HttpHeaders(), "inventory", "a", "GET", 1);
		assertThat(tags(started)).contains(KeyValue.of("status", "NONE"), KeyValue.of("outcome", "UNKNOWN"));
		started.ended("IO_ERROR", "TIMEOUT");
		assertThat(tags(started)).contains(KeyValue.of("status", "IO_ERROR"), KeyValue.of("outcome", "TIMEOUT"));
	}

	@Test
	void shouldStayCorrectPastTheBoundOfItsCache() {
		int instances = MeshObservationConventions.Attempts.MAX_CACHED + 10;
		for (int i = 0; i < instances; i++) {
			assertThat(tags(attempt("inventory", "i-" + i, "GET", 1, "200", "SUCCESS")))
				.contains(KeyValue.of("instance", "i-" + i));
			assertThat(this.attempts.cachedCombinations()).isLessThanOrEqualTo(MeshObservationConventions.Attempts.MAX_CACHED);
		}
		for (int i = 0; i < instances; i += 97) {
			assertThat(tags(attempt("inventory", "i-" + i, "GET", 1, "200", "SUCCESS")))
				.contains(KeyValue.of("instance", "i-" + i));
		}
	}

	private KeyValues tags(MeshAttemptContext context) {
		return this.attempts.getLowCardinalityKeyValues(context);
	}

	private static MeshAttemptContext attempt(String service, String instance, String method, int attempt,
			String status, String outcome) {
		MeshAttemptContext context = new MeshAttemptContext(new HttpHeaders(), service, instance, method, attempt);
		context.ended(status, outcome);
		return context;
	}

}

package dev.mesh.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mesh.shutdown.GoingAway;
import dev.mesh.testsupport.DrainingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer a real provider completes asynchronously ({@link DeferredResult}) after its
 * drain started carries {@code Mesh-Going-Away}, like every other answer while it drains:
 * it is written in an async dispatch, after the request's first dispatch has left the
 * filter without the header.
 */
class DrainAsyncAnswerTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private DrainingProvider provider;

	@AfterEach
	void close() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@Test
	void anAsyncAnswerCompletedWhileDrainingCarriesTheHeader() throws Exception {
		Later later = new Later();
		this.provider = DrainingProvider.start("a",
				(context) -> ((GenericApplicationContext) context).registerBean(Later.class, () -> later),
				"mesh.instance.shutdown.drain-time=3s");
		CompletableFuture<HttpResponse<String>> answer = this.http
			.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.provider.port() + "/later"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(later.asked.await(5, TimeUnit.SECONDS)).isTrue();
		Thread closing = this.provider.closeInBackground();
		try {
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (!this.provider.drain().goingAway() && System.nanoTime() - until < 0) {
				Thread.sleep(5);
			}
			assertThat(this.provider.drain().goingAway()).isTrue();
			later.result.setResult("late");
			HttpResponse<String> late = answer.get(5, TimeUnit.SECONDS);
			assertThat(late.body()).isEqualTo("late");
			assertThat(late.headers().firstValue(GoingAway.HEADER)).as("completed while draining").isPresent();
		}
		finally {
			closing.join(10_000);
		}
	}

	/** Answers {@code GET /later} when the test completes its result. */
	@RestController
	static class Later {

		final CountDownLatch asked = new CountDownLatch(1);

		final DeferredResult<String> result = new DeferredResult<>(20_000L);

		@GetMapping("/later")
		DeferredResult<String> later() {
			this.asked.countDown();
			return this.result;
		}

	}

}

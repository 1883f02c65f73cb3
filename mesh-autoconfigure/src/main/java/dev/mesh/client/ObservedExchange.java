package dev.mesh.client;

import java.io.IOException;

import dev.mesh.observability.MeshOutcome;
import dev.mesh.resilience.FailureKind;
import io.micrometer.observation.Observation;

import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs an attempt's HTTP exchange under its started observation: records its status and outcome, marks
 * errors and stops the observation.
 *
 * <p>The observation is not opened in scope: the attempt's trace context leaves in its headers (written
 * when the observation starts), and nothing between here and the socket needs it as the current span,
 * while making it current and restoring the call's span again took about a tenth of the pipeline's
 * profile samples (thread-local swaps plus Boot's log-correlation events, docs/benchmarks.md). Code that runs
 * during the exchange, such as an interceptor added after the mesh's, sees the call's
 * {@code http.client.requests} observation as current.
 */
final class ObservedExchange {

	private ObservedExchange() {
	}

	/** The exchange to observe. */
	@FunctionalInterface
	interface Exchange {

		ClientHttpResponse run() throws IOException;

	}

	/** Where the status and outcome are recorded. */
	@FunctionalInterface
	interface Outcome {

		void ended(String status, String outcome);

	}

	static ClientHttpResponse observe(Observation observation, Outcome outcome, Exchange exchange) throws IOException {
		try {
			ClientHttpResponse response = exchange.run();
			int status = response.getStatusCode().value();
			outcome.ended(MeshOutcome.statusTag(status), MeshOutcome.ofStatus(status));
			return response;
		}
		catch (IOException ex) {
			outcome.ended("IO_ERROR", outcomeOf(ex));
			observation.error(ex);
			throw ex;
		}
		catch (RuntimeException ex) {
			outcome.ended("NONE", MeshOutcome.REJECTED);
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/** The outcome tag of a failed exchange. */
	static String outcomeOf(IOException failure) {
		return switch (FailureKind.of(failure)) {
			case CONNECT_FAILURE -> MeshOutcome.CONNECT_FAILURE;
			case RESET -> MeshOutcome.RESET;
			case TIMEOUT -> MeshOutcome.TIMEOUT;
		};
	}

}

package dev.mesh.client;

import java.io.IOException;

import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;

import org.springframework.http.client.ClientHttpResponse;

/**
 * One attempt of a call on one instance, from {@link AttemptSender} starting it to
 * {@link AttemptOutcomes} ending it: the owner of the instance's in-flight count for this
 * attempt, which {@link #end} lowers exactly once whatever happens in between.
 */
final class Attempt {

	private final MeshInstance instance;

	private final long startedNanos;

	private ClientHttpResponse response;

	private IOException failure;

	private long endedNanos;

	private boolean byCaller;

	private boolean finished;

	private boolean ended;

	Attempt(MeshInstance instance, long startedNanos) {
		this.instance = instance;
		this.startedNanos = startedNanos;
		instance.state().attemptStarted(startedNanos);
	}

	void answered(ClientHttpResponse response, long endedNanos, boolean byCaller) {
		this.response = response;
		this.finished = true;
		this.endedNanos = endedNanos;
		this.byCaller = byCaller;
	}

	void failed(IOException failure, long endedNanos, boolean byCaller) {
		this.failure = failure;
		this.finished = true;
		this.endedNanos = endedNanos;
		this.byCaller = byCaller;
	}

	/**
	 * Notes that the answer could not be read after all: the attempt fails with this,
	 * keeping its timing and whether the caller ended it.
	 * @param failure why the answer could not be read
	 */
	void unreadable(IOException failure) {
		this.failure = failure;
	}

	/**
	 * Ends the attempt on its instance, unless it has ended already.
	 * @param result how it ended
	 * @param clock read for the end of an attempt given up before it was answered (one
	 * answered or failed ended when that happened)
	 * @return the instance's failures in a row now, or -1 when the attempt had ended
	 * already
	 */
	int end(AttemptResult result, MeshClock clock) {
		if (this.ended) {
			return -1;
		}
		this.ended = true;
		if (this.finished && result != AttemptResult.ABORTED) {
			return this.instance.state().attemptEnded(result, this.endedNanos - this.startedNanos, this.endedNanos);
		}
		return this.instance.state().attemptEnded(result, -1, clock.nanoTime());
	}

	MeshInstance instance() {
		return this.instance;
	}

	/**
	 * @return the answer, or {@code null} when the attempt failed
	 */
	ClientHttpResponse response() {
		return this.response;
	}

	/**
	 * @return why the attempt failed, or {@code null} when it was answered
	 */
	IOException failure() {
		return this.failure;
	}

	/**
	 * @return whether the caller, not the instance, ended the attempt (see
	 * {@link dev.mesh.resilience.CallerAbort})
	 */
	boolean byCaller() {
		return this.byCaller;
	}

	boolean ended() {
		return this.ended;
	}

}

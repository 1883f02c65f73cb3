package dev.mesh.client;

import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * For the JDK client: reads a response body into a {@code byte[]} without ever holding
 * more than a limit: a body whose {@code Content-Length} is over it is refused before a
 * byte of it is read, and one that grows past it (chunked, or longer than announced) is
 * refused by the chunk that crosses it. A refused body ends in
 * {@link ResponseSizeLimit.Exceeded}; its subscription is cancelled, which makes the JDK
 * client close the connection instead of reading the rest.
 *
 * <p>
 * The counting is written here because the JDK's {@link BodySubscribers#ofByteArray()}
 * has no limit; the collecting is still its own.
 */
final class JdkBodyLimit {

	private JdkBodyLimit() {
	}

	/**
	 * @param maxBytes the most bytes a body may have
	 * @param head whether the request is a HEAD, whose answer announces the length of a
	 * body it does not have
	 * @return a body handler that reads at most {@code maxBytes}
	 */
	static BodyHandler<byte[]> handler(long maxBytes, boolean head) {
		return (info) -> new Subscriber(maxBytes, head ? -1 : announcedLength(info));
	}

	/**
	 * @return the {@code Content-Length} of a response that has a body, or {@code -1}
	 * when it has none, announces none, or announces one that is not a number (which the
	 * JDK client rejects itself)
	 */
	private static long announcedLength(ResponseInfo info) {
		return ResponseSizeLimit.announcedLength(info.statusCode(), false,
				info.headers().firstValue("Content-Length").orElse(null));
	}

	private static final class Subscriber implements BodySubscriber<byte[]> {

		private final BodySubscriber<byte[]> collected = BodySubscribers.ofByteArray();

		private final long maxBytes;

		private final long announced;

		private Flow.Subscription subscription;

		private long received;

		private boolean refused;

		Subscriber(long maxBytes, long announced) {
			this.maxBytes = maxBytes;
			this.announced = announced;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.collected.getBody();
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			this.collected.onSubscribe(subscription);
			if (this.announced > this.maxBytes) {
				refuse("Content-Length " + this.announced);
			}
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			if (this.refused) {
				return;
			}
			for (ByteBuffer buffer : buffers) {
				this.received += buffer.remaining();
			}
			if (this.received > this.maxBytes) {
				refuse("more than " + this.maxBytes + " bytes arrived");
				return;
			}
			this.collected.onNext(buffers);
		}

		private void refuse(String detail) {
			this.refused = true;
			this.subscription.cancel();
			this.collected.onError(new ResponseSizeLimit.Exceeded(detail));
		}

		@Override
		public void onError(Throwable failure) {
			if (!this.refused) {
				this.collected.onError(failure);
			}
		}

		@Override
		public void onComplete() {
			if (!this.refused) {
				this.collected.onComplete();
			}
		}

	}

}

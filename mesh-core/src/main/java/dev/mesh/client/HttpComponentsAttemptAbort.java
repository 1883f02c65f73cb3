package dev.mesh.client;

import java.io.IOException;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * Keeps an attempt's deadline on the {@code http-components} transport (Apache HttpClient
 * 5 classic), whose socket reads an interrupt does not end: the first handler of the
 * client's execution chain registers the request's cancel as the attempt's abort, and
 * Apache's cancel releases the pooled connection's socket at once, ending a lease,
 * connect, request or response read blocked on it, also mid-body. The handler runs on the
 * calling thread, which is how it finds the attempt ({@link AttemptWatchdog#current()});
 * a request outside a mesh attempt passes through untouched.
 */
public final class HttpComponentsAttemptAbort implements ExecChainHandler {

	/** The handler's name in the execution chain. */
	public static final String NAME = "mesh-attempt-abort";

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		AttemptWatchdog.Watch watch = AttemptWatchdog.current();
		if (watch != null) {
			// the request Spring made (an HttpUriRequestBase) cancels whatever it waits
			// on: the pool lease,
			// then the exchange; the runtime alone would miss a lease in progress
			Object target = (scope.originalRequest instanceof Cancellable) ? scope.originalRequest : scope.execRuntime;
			if (target instanceof Cancellable cancellable) {
				watch.abortWith(cancellable::cancel);
			}
		}
		return chain.proceed(request, scope);
	}

}

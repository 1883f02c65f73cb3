package dev.mesh.testsupport;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Waits for a span to reach an in-memory exporter: spans are exported when they end,
 * which for a call's span can be just after the call returned.
 */
public final class FinishedSpans {

	private FinishedSpans() {
	}

	/**
	 * @param exporter the exporter
	 * @param name the span's name, in any case
	 * @return the first finished span of that name, within five seconds
	 */
	public static SpanData await(InMemorySpanExporter exporter, String name) throws InterruptedException {
		return await(exporter, name, null);
	}

	/**
	 * @param exporter the exporter
	 * @param name the span's name, in any case
	 * @param traceId the trace it belongs to, or {@code null} for any
	 * @return the first finished span of that name and trace, within five seconds
	 */
	public static SpanData await(InMemorySpanExporter exporter, String name, String traceId)
			throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			for (SpanData span : exporter.getFinishedSpanItems()) {
				if (span.getName().equalsIgnoreCase(name) && (traceId == null || traceId.equals(span.getTraceId()))) {
					return span;
				}
			}
			Thread.sleep(50);
		}
		throw new AssertionError("No span named '" + name + "' in "
				+ exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList());
	}

}

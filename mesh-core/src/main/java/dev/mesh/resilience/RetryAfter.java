package dev.mesh.resilience;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@code Retry-After} header value (RFC 9110): a number of seconds (ASCII digits,
 * any number of them) or an HTTP date. A wait however far away (a date in the year 9999,
 * a number with twenty digits) is capped at {@value #MAX_MILLIS} ms, so it always fits a
 * {@code long} of nanoseconds.
 */
public final class RetryAfter {

	/**
	 * The longest wait: more milliseconds than this overflow a {@code long} of
	 * nanoseconds.
	 */
	public static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000L;

	/**
	 * IMF-fixdate (RFC 1123), RFC 850 and asctime, as RFC 9110 section 5.6.7 lists them.
	 */
	private static final List<DateTimeFormatter> HTTP_DATES = List.of(DateTimeFormatter.RFC_1123_DATE_TIME,
			// two-digit years from 1970 to 2069
			new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
				.appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
				.appendPattern(" HH:mm:ss zzz")
				.toFormatter(Locale.US),
			DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

	private RetryAfter() {
	}

	/**
	 * @param value the header value, may be {@code null}
	 * @param clock wall clock, for dates
	 * @return the wait it asks for in milliseconds, from 0 to {@value #MAX_MILLIS} (a
	 * date in the past is 0), or -1 when it is absent, blank or neither a number nor an
	 * HTTP date
	 */
	public static long millis(String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return -1;
		}
		String trimmed = value.trim();
		if (trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			String digits = stripLeadingZeros(trimmed);
			// more digits than a long holds is as far away as can be: saturate rather
			// than ignore
			long seconds = (digits.length() <= 18) ? Long.parseLong(digits) : Long.MAX_VALUE;
			return (seconds <= MAX_MILLIS / 1000) ? seconds * 1000 : MAX_MILLIS;
		}
		for (DateTimeFormatter format : HTTP_DATES) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(trimmed, format);
				return Math.min(MAX_MILLIS, Math.max(0, at.toInstant().toEpochMilli() - clock.millis()));
			}
			catch (DateTimeParseException ex) {
				// try the next format
			}
		}
		return -1;
	}

	private static String stripLeadingZeros(String digits) {
		int first = 0;
		while (first < digits.length() - 1 && digits.charAt(first) == '0') {
			first++;
		}
		return digits.substring(first);
	}

}

package dev.mesh.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.springframework.cloud.client.DefaultServiceInstance;

/**
 * A misbehaving HTTP/1.1 instance on a raw socket (127.0.0.1, random port): it reads each
 * request head and lets an {@link Answer} write whatever bytes it likes back, well-formed
 * or not, on the same connection for as long as the client keeps it. It counts requests
 * and connections and knows which connections the client has closed, so a test can assert
 * that an abandoned exchange was not left open.
 */
public final class RawHttpServer implements Provider, AutoCloseable {

	private final String id;

	private final ServerSocket socket;

	private final Thread acceptor;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger connections = new AtomicInteger();

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final java.util.List<Received> received = new java.util.concurrent.CopyOnWriteArrayList<>();

	private volatile Answer answer;

	/** What the instance writes back for one request. */
	@FunctionalInterface
	public interface Answer {

		/**
		 * @param out the connection's output; what is written is flushed afterwards
		 * @param number the request's number on this server, from 1
		 */
		void write(OutputStream out, int number) throws IOException;

		/**
		 * @return an answer that writes these bytes (US-ASCII)
		 */
		static Answer ascii(String response) {
			byte[] bytes = response.getBytes(StandardCharsets.US_ASCII);
			return (out, number) -> out.write(bytes);
		}

		/**
		 * @return a well-formed 200 whose body is this many bytes, with a Content-Length
		 * or chunked
		 */
		static Answer body(int length, boolean contentLength) {
			byte[] body = new byte[length];
			java.util.Arrays.fill(body, (byte) 'x');
			return (out, number) -> {
				if (contentLength) {
					out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + length + "\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII));
					out.write(body);
					return;
				}
				out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
				for (int from = 0; from < length; from += 1000) {
					int size = Math.min(1000, length - from);
					out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
					out.write(body, from, size);
					out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
				}
				out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			};
		}

		/**
		 * @return a 200 with a chunked body that never ends, written until the client
		 * goes away
		 */
		static Answer endlessBody() {
			byte[] chunk = ("1000\r\n" + "x".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII);
			return (out, number) -> {
				out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				while (true) {
					out.write(chunk);
				}
			};
		}

	}

	/**
	 * One request as it arrived.
	 *
	 * @param head its request line and headers, as sent
	 * @param bodyLength the bytes of its body (by its {@code Content-Length})
	 * @param bodyCrc32 the CRC-32 of its body
	 */
	public record Received(String head, long bodyLength, long bodyCrc32) {

		/**
		 * @return the request line's method
		 */
		public String method() {
			return this.head.substring(0, this.head.indexOf(' '));
		}

		/**
		 * @return the request line's target
		 */
		public String target() {
			int from = this.head.indexOf(' ') + 1;
			return this.head.substring(from, this.head.indexOf(' ', from));
		}

		/**
		 * @return whether a header of this name (any case) was sent
		 */
		public boolean hasHeader(String name) {
			return this.head.toLowerCase(Locale.ROOT).contains("\r\n" + name.toLowerCase(Locale.ROOT) + ":");
		}

	}

	private RawHttpServer(String id, Answer answer) throws IOException {
		this.id = id;
		this.answer = answer;
		this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "raw-http-" + id);
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * @param id the instance id it is registered under
	 * @param answer what it answers each request with
	 * @return the started server
	 */
	public static RawHttpServer start(String id, Answer answer) {
		try {
			return new RawHttpServer(id, answer);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @param answer what to answer the next requests with
	 */
	public void answer(Answer answer) {
		this.answer = answer;
	}

	/**
	 * @return what it answers requests with now
	 */
	public Answer answer() {
		return this.answer;
	}

	public int port() {
		return this.socket.getLocalPort();
	}

	/**
	 * @return requests whose head was read
	 */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * @return the requests read so far, in order
	 */
	public java.util.List<Received> received() {
		return java.util.List.copyOf(this.received);
	}

	/**
	 * @return connections accepted
	 */
	public int connections() {
		return this.connections.get();
	}

	/**
	 * @return connections the client has not closed yet
	 */
	public int openConnections() {
		return this.open.size();
	}

	/**
	 * Waits, at most the given time, until the client has closed every connection it made
	 * here.
	 * @return whether it has
	 */
	public boolean awaitAllClosed(Duration within) {
		return await(() -> this.open.isEmpty(), within);
	}

	/**
	 * @return a registry entry for this server as an instance of the service
	 */
	@Override
	public DefaultServiceInstance instance(String serviceId) {
		return new DefaultServiceInstance(this.id, serviceId, "127.0.0.1", port(), false, Map.of("weight", "1"));
	}

	/**
	 * Polls a condition until it holds or the time is up.
	 * @return whether it held
	 */
	public static boolean await(BooleanSupplier condition, Duration within) {
		long end = System.nanoTime() + within.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - end > 0) {
				return false;
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	private void accept() {
		while (!this.socket.isClosed()) {
			try {
				Socket connection = this.socket.accept();
				this.connections.incrementAndGet();
				this.open.add(connection);
				Thread serving = new Thread(() -> serve(connection), "raw-http-" + this.id + "-connection");
				serving.setDaemon(true);
				serving.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void serve(Socket connection) {
		try (connection) {
			InputStream in = new BufferedInputStream(connection.getInputStream());
			OutputStream out = connection.getOutputStream();
			while (readRequest(in)) {
				int number = this.requests.incrementAndGet();
				this.answer.write(out, number);
				out.flush();
			}
		}
		catch (SocketException ex) {
			// the client closed or reset the connection
		}
		catch (IOException ex) {
			// likewise
		}
		finally {
			this.open.remove(connection);
		}
	}

	/**
	 * Reads one request head (and a body by its Content-Length); {@code false} at end of
	 * stream.
	 */
	private boolean readRequest(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int b;
		while ((b = in.read()) != -1) {
			head.append((char) b);
			if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
				long length = 0;
				for (String line : head.toString().split("\r\n")) {
					if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
						length = Long.parseLong(line.substring(15).trim());
					}
				}
				java.util.zip.CRC32 crc = new java.util.zip.CRC32();
				byte[] buffer = new byte[8192];
				for (long left = length; left > 0;) {
					int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
					if (n == -1) {
						throw new java.io.EOFException("request body cut short");
					}
					crc.update(buffer, 0, n);
					left -= n;
				}
				this.received.add(new Received(head.toString(), length, crc.getValue()));
				return true;
			}
		}
		return false;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
			for (Socket connection : this.open) {
				connection.close();
			}
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}

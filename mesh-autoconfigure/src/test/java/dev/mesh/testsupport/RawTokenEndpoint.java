package dev.mesh.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth2 token endpoint on a raw {@link ServerSocket} (127.0.0.1, random port), for
 * the answers a real authorization server never gives: it can hang (accept the
 * connection, read the request and never answer) or answer a token response without
 * {@code expires_in}. Counts the token requests it read and the hung connections the
 * client is still holding open.
 */
public final class RawTokenEndpoint implements AutoCloseable {

	private final ServerSocket server;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger hung = new AtomicInteger();

	private final AtomicInteger hungClosedByClient = new AtomicInteger();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger issued = new AtomicInteger();

	private static final String TRICKLE = "trickle";

	private static final String REFUSE = "refuse:";

	private volatile String answer;

	private RawTokenEndpoint(String answer) throws IOException {
		this.answer = answer;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "raw-token-endpoint-" + this.server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * @return an endpoint that reads each request and never answers
	 */
	public static RawTokenEndpoint hanging() {
		return create(null);
	}

	/**
	 * @param expiresInSeconds the {@code expires_in} of the tokens, or {@code null} to
	 * leave it out
	 * @return an endpoint that answers each request with a new bearer token
	 */
	public static RawTokenEndpoint answering(Integer expiresInSeconds) {
		return create((expiresInSeconds != null) ? "\"expires_in\":" + expiresInSeconds + "," : "");
	}

	private static RawTokenEndpoint create(String answer) {
		try {
			return new RawTokenEndpoint(answer);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** From now on, read each request and never answer it. */
	public void hang() {
		this.answer = null;
	}

	/**
	 * From now on, answer each request with a token.
	 * @param expiresIn the {@code expires_in} to send, as JSON text (any number, however
	 * large), or {@code null} to leave it out
	 */
	public void answer(String expiresIn) {
		this.answer = (expiresIn != null) ? "\"expires_in\":" + expiresIn + "," : "";
	}

	/**
	 * From now on, refuse each request with {@code 400 invalid_client}.
	 * @param errorDescription the {@code error_description}, as JSON string content
	 * (escapes allowed)
	 */
	public void refuse(String errorDescription) {
		this.answer = REFUSE + errorDescription;
	}

	/**
	 * From now on, answer each request with a status line and headers, then one body byte
	 * every 100 ms.
	 */
	public void trickle() {
		this.answer = TRICKLE;
	}

	/**
	 * @return the token endpoint's URL
	 */
	public String tokenUri() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/oauth2/token";
	}

	/**
	 * @return token requests read so far
	 */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * @return requests left unanswered whose connection the client still holds open
	 */
	public int hungOpen() {
		return this.hung.get() - this.hungClosedByClient.get();
	}

	/**
	 * @return requests left unanswered whose connection the client closed (it gave up)
	 */
	public int hungClosedByClient() {
		return this.hungClosedByClient.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.sockets.add(socket);
				Thread handler = new Thread(() -> serve(socket), "raw-token-endpoint-connection");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			while (readRequest(in)) {
				this.requests.incrementAndGet();
				String answer = this.answer;
				if (answer == TRICKLE) {
					trickle(socket);
					return;
				}
				if (answer == null) {
					this.hung.incrementAndGet();
					// Never answer; a read returning -1 means the client gave up and
					// closed the connection.
					while (in.read() != -1) {
						// discard
					}
					this.hungClosedByClient.incrementAndGet();
					return;
				}
				boolean refuse = answer.startsWith(REFUSE);
				String body = refuse
						? "{\"error\":\"invalid_client\",\"error_description\":\"" + answer.substring(REFUSE.length())
								+ "\"}"
						: "{\"access_token\":\"raw-token-" + this.issued.incrementAndGet()
								+ "\",\"token_type\":\"Bearer\"," + answer + "\"scope\":\"inventory.read\"}";
				byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
				OutputStream out = socket.getOutputStream();
				out.write(((refuse ? "HTTP/1.1 400 Bad Request" : "HTTP/1.1 200 OK")
						+ "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: "
						+ bytes.length + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.write(bytes);
				out.flush();
			}
		}
		catch (SocketException ex) {
			// the client reset the connection, or the endpoint closed
			if (this.answer == null) {
				this.hungClosedByClient.incrementAndGet();
			}
		}
		catch (IOException ex) {
			// the connection broke
		}
	}

	private void trickle(Socket socket) throws IOException {
		this.hung.incrementAndGet();
		OutputStream out = socket.getOutputStream();
		out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
			.getBytes(StandardCharsets.US_ASCII));
		try {
			while (true) {
				out.write(' ');
				out.flush();
				Thread.sleep(100);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// the client gave up and closed the connection
			this.hungClosedByClient.incrementAndGet();
		}
	}

	/**
	 * Reads one request's head and body; {@code false} when the connection ended first.
	 */
	private static boolean readRequest(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b == -1) {
				return false;
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r') ? 1 : 0;
		}
		int length = 0;
		for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		return in.readNBytes(length).length == length;
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		for (Socket socket : this.sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

}

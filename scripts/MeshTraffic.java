import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends orders to the order sample and prints which inventory instance served them. Used by
 * {@code ../mesh-local.sh traffic} and {@code failover}; needs only a JDK 17+ ({@code java MeshTraffic.java}).
 *
 * <pre>
 * java scripts/MeshTraffic.java ORDER_URL N SKU                 send N orders, print the split
 * java scripts/MeshTraffic.java ORDER_URL N SKU PIDFILE NAME    also stop process PIDFILE's pid (NAME)
 *                                                               after half of them, and print the split
 *                                                               before and after
 * </pre>
 * Exits with status 1 if any order failed.
 */
public class MeshTraffic {

	private static final Pattern INSTANCE = Pattern.compile("\"inventoryInstance\"\\s*:\\s*\"([^\"]*)\"");

	public static void main(String[] args) throws Exception {
		if (args.length != 3 && args.length != 5) {
			System.err.println("usage: MeshTraffic ORDER_URL N SKU [PIDFILE NAME]");
			System.exit(2);
		}
		String orderUrl = args[0];
		int n = Integer.parseInt(args[1]);
		String sku = args[2];
		int stopAfter = (args.length == 5) ? n / 2 : -1;
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		Map<String, Integer> before = new TreeMap<>();
		Map<String, Integer> after = new TreeMap<>();
		int failed = 0;
		for (int i = 0; i < n; i++) {
			if (i == stopAfter) {
				stop(Path.of(args[3]), args[4]);
			}
			String outcome = placeOrder(http, orderUrl, sku);
			if (outcome.startsWith("failed")) {
				failed++;
			}
			((stopAfter >= 0 && i >= stopAfter) ? after : before).merge(outcome, 1, Integer::sum);
		}
		if (stopAfter < 0) {
			print(before, n);
		}
		else {
			System.out.printf("before stopping %s (%d orders):%n", args[4], stopAfter);
			print(before, stopAfter);
			System.out.printf("after stopping %s (%d orders):%n", args[4], n - stopAfter);
			print(after, n - stopAfter);
		}
		System.out.printf("%d of %d orders failed%n", failed, n);
		System.exit((failed > 0) ? 1 : 0);
	}

	private static String placeOrder(HttpClient http, String orderUrl, String sku) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(orderUrl + "/api/orders"))
			.timeout(Duration.ofSeconds(15))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"" + sku + "\",\"quantity\":1}"))
			.build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 201) {
				return "failed: HTTP " + response.statusCode();
			}
			Matcher instance = INSTANCE.matcher(response.body());
			return instance.find() ? instance.group(1) : "(no inventoryInstance)";
		}
		catch (Exception ex) {
			return "failed: " + ex.getClass().getSimpleName();
		}
	}

	private static void stop(Path pidFile, String name) throws Exception {
		long pid = Long.parseLong(Files.readString(pidFile).trim());
		ProcessHandle process = ProcessHandle.of(pid)
			.orElseThrow(() -> new IllegalStateException(name + " (pid " + pid + ") is not running"));
		System.out.printf("stopping %s (pid %d) ...%n", name, pid);
		process.destroy();
	}

	private static void print(Map<String, Integer> counts, int total) {
		counts.forEach((instance, count) -> System.out.printf("%6d  %5.1f%%  %s%n", count,
				(total > 0) ? 100.0 * count / total : 0.0, instance));
	}

}

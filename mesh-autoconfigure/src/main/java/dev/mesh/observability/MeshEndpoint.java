package dev.mesh.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.mesh.discovery.InstanceWeight;
import dev.mesh.discovery.WeightPublisher;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;
import org.springframework.util.MimeType;

/**
 * Actuator endpoint {@code mesh} ({@code /actuator/mesh}): this instance's registration,
 * and per client the policy in effect, the retry budget, token status (never a token or
 * secret) and every instance with its weight, zone, version, ejection, latency estimate,
 * in-flight, request and error counts. Exposed only as the user exposes actuator
 * endpoints.
 *
 * <p>
 * {@code GET /actuator/mesh/{service}} reads one client. Two writes change this instance
 * at run time, each logged once at INFO with who made it ({@link ControlLog}):
 * {@code POST /actuator/mesh} {@code {"weight": N}} sets this instance's weight (0 to
 * 10000, 0 drains it) and publishes it to the registry; {@code POST
 * /actuator/mesh/{service}} {@code {"action": "eject"|"restore", "instance": "<id>"}} or
 * {@code {"action": "reset"}} ejects or restores one instance of a called service on this
 * instance's client, or clears all of that client's ejections. A bad value is answered
 * 400 with an {@code application/problem+json} body whose {@code field} names it, and
 * changes nothing.
 */
@Endpoint(id = "mesh")
public class MeshEndpoint {

	private static final MimeType PROBLEM_JSON = MimeType.valueOf("application/problem+json");

	private final MeshClientsControl clients;

	private final Supplier<Map<String, Object>> self;

	private final InstanceWeight weight;

	private final Supplier<WeightPublisher> publisher;

	private final Function<String, Duration> maxEjectionTime;

	/**
	 * @param clients the mesh clients
	 * @param self this instance's registration details
	 * @param weight this instance's weight
	 * @param publisher where a changed weight is published
	 * @param maxEjectionTime how long an operator's ejection lasts, per service
	 */
	public MeshEndpoint(MeshClientsControl clients, Supplier<Map<String, Object>> self, InstanceWeight weight,
			Supplier<WeightPublisher> publisher, Function<String, Duration> maxEjectionTime) {
		this.clients = clients;
		this.self = self;
		this.weight = weight;
		this.publisher = publisher;
		this.maxEjectionTime = maxEjectionTime;
	}

	/**
	 * @return the mesh as this instance sees it
	 */
	@ReadOperation
	public MeshDescriptor mesh() {
		Map<String, ClientSnapshot> byService = new LinkedHashMap<>();
		for (ClientSnapshot client : this.clients.clients()) {
			byService.put(client.service(), client);
		}
		return new MeshDescriptor(this.self.get(), byService);
	}

	/**
	 * @param service a called service
	 * @return this instance's client of it, or 404 when there is none
	 */
	@ReadOperation
	public WebEndpointResponse<ClientSnapshot> client(@Selector String service) {
		ClientSnapshot client = this.clients.client(service);
		return (client != null) ? new WebEndpointResponse<>(client)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * Sets this instance's weight and publishes it to the registry.
	 * @param weight the new weight, an integer from 0 to 10000
	 * @return the weight before and now, or a problem
	 */
	@WriteOperation
	public WebEndpointResponse<Object> weight(@Nullable Object weight) {
		if (weight == null) {
			return rejected("weight", "weight is missing (expected: an integer from 0 to 10000)", null);
		}
		Integer value = weightValue(weight);
		if (value == null) {
			return rejected("weight", "weight " + ControlLog.quoted(weight) + " is not allowed (expected: an integer "
					+ "from 0 to " + InstanceWeight.MAX + ")", "weight " + ControlLog.quoted(weight));
		}
		WeightPublisher to = this.publisher.get();
		int previous;
		try {
			previous = this.weight.change(value, to);
		}
		catch (RuntimeException ex) {
			ControlLog.log("weight " + this.weight.current() + " -> " + value
					+ " failed, the registry did not take it: " + ControlLog.safe(String.valueOf(ex.getMessage())));
			Map<String, Object> problem = problem(503, "Service Unavailable",
					"the registry did not take weight " + value + "; the weight stays " + this.weight.current(), null);
			return new WebEndpointResponse<>(problem, WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, PROBLEM_JSON);
		}
		String where = (to.registry() != null) ? "published to " + to.registry()
				: "local only: no registry to publish to, callers keep the weight they have";
		ControlLog.log("weight " + previous + " -> " + value + " (" + where + ")");
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("previous", previous);
		body.put("current", value);
		body.put("configured", this.weight.configured());
		body.put("publishedTo", to.registry());
		return new WebEndpointResponse<>(body);
	}

	/**
	 * Ejects or restores one instance of a called service on this instance's client, or
	 * clears the client's ejections.
	 * @param service the called service
	 * @param action {@code eject}, {@code restore} or {@code reset}
	 * @param instance the instance's id, for {@code eject} and {@code restore}
	 * @return the client after the change, or a problem
	 */
	@WriteOperation
	public WebEndpointResponse<Object> control(@Selector String service, @Nullable Object action,
			@Nullable Object instance) {
		String what = "service " + ControlLog.quoted(service);
		if (this.clients.client(service) == null) {
			return rejected("service", "this instance has no client of service " + ControlLog.quoted(service), what);
		}
		if (action == null) {
			return rejected("action", "action is missing (expected: eject, restore or reset)", what);
		}
		if (!(action instanceof String name)
				|| !(name.equals("eject") || name.equals("restore") || name.equals("reset"))) {
			return rejected("action",
					"action " + ControlLog.quoted(action) + " is not allowed (expected: eject, restore or reset)",
					what + " action " + ControlLog.quoted(action));
		}
		if (name.equals("reset")) {
			int ejected = this.clients.reset(service);
			if (ejected < 0) {
				return rejected("service", "this instance has no client of service " + ControlLog.quoted(service),
						what);
			}
			ControlLog.log("reset ejections of " + what + " (" + ejected + " were ejected)");
			return applied(service, name, null);
		}
		if (instance == null) {
			return rejected("instance",
					"instance is missing (expected: the id of an instance of " + ControlLog.quoted(service) + ")",
					what + " " + name);
		}
		String id = String.valueOf(instance);
		boolean done = (instance instanceof String)
				&& (name.equals("eject") ? this.clients.eject(service, id) : this.clients.restore(service, id));
		if (!done) {
			return rejected("instance", "service " + ControlLog.quoted(service) + " has no instance "
					+ ControlLog.quoted(id) + " on this client",
					what + " " + name + " instance " + ControlLog.quoted(id));
		}
		ControlLog.log(name + " instance " + ControlLog.quoted(id) + " of " + what
				+ (name.equals("eject") ? " for " + this.maxEjectionTime.apply(service) : ""));
		return applied(service, name, id);
	}

	private WebEndpointResponse<Object> applied(String service, String action, String instance) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("action", action);
		if (instance != null) {
			body.put("instance", instance);
		}
		body.put("client", this.clients.client(service));
		return new WebEndpointResponse<>(body);
	}

	/**
	 * @return the weight, or {@code null} when the value is no integer from 0 to 10000
	 * (the actuator hands JSON numbers over as their text)
	 */
	private static Integer weightValue(Object value) {
		String text = (value instanceof String || value instanceof Number) ? value.toString() : "";
		if (text.isEmpty() || text.length() > 5) {
			return null;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return null;
			}
		}
		int weight = Integer.parseInt(text);
		return (weight <= InstanceWeight.MAX) ? weight : null;
	}

	/**
	 * A 400 problem naming the field; logged as a rejected write when {@code what} is
	 * given. The detail holds request values only quoted and made safe.
	 */
	private static WebEndpointResponse<Object> rejected(String field, String detail, String what) {
		ControlLog.log("rejected " + ((what != null) ? what : field + " missing") + ": " + field + " not allowed");
		Map<String, Object> problem = problem(400, "Bad Request", detail, field);
		return new WebEndpointResponse<>(problem, WebEndpointResponse.STATUS_BAD_REQUEST, PROBLEM_JSON);
	}

	private static Map<String, Object> problem(int status, String title, String detail, String field) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", title);
		problem.put("status", status);
		problem.put("detail", detail);
		if (field != null) {
			problem.put("field", field);
		}
		return problem;
	}

	/**
	 * The endpoint's JSON.
	 *
	 * @param self this instance's registration
	 * @param clients each client by service id
	 */
	public record MeshDescriptor(Map<String, Object> self, Map<String, ClientSnapshot> clients) {
	}

}

package dev.mesh.sample.order;

import java.net.URI;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code POST /api/orders} places an order, {@code GET /api/orders/{id}} reads one back.
 */
@RestController
final class OrderController {

	private final OrderDesk desk;

	OrderController(OrderDesk desk) {
		this.desk = desk;
	}

	@PostMapping("/api/orders")
	ResponseEntity<Order> place(@Valid @RequestBody PlaceOrderRequest request) {
		Order order = this.desk.place(request);
		URI location = UriComponentsBuilder.fromPath("/api/orders/{id}").build(order.orderId());
		return ResponseEntity.created(location).body(order);
	}

	@GetMapping("/api/orders/{id}")
	Order get(@PathVariable String id) {
		return this.desk.get(id);
	}

}

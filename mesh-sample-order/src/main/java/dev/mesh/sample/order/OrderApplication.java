package dev.mesh.sample.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Entry point of the order sample service.
 */
@SpringBootApplication
public class OrderApplication {

	/**
	 * Starts the service.
	 * @param args command-line arguments, for example
	 * {@code --spring.profiles.active=local}
	 */
	public static void main(String[] args) {
		SpringApplication.run(OrderApplication.class, args);
	}

}

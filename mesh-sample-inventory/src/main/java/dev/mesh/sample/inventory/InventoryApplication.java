package dev.mesh.sample.inventory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point of the inventory sample service.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InventoryApplication {

	/**
	 * Starts the service.
	 * @param args command-line arguments, for example {@code --server.port=8081}
	 */
	public static void main(String[] args) {
		SpringApplication.run(InventoryApplication.class, args);
	}

}

package dev.mesh.client;

/**
 * Thrown at startup when a {@link MeshClient @MeshClient} bean cannot be made into a mesh
 * client, for example because it names no service.
 */
public class InvalidMeshClientException extends RuntimeException {

	private final String beanName;

	private final String value;

	/**
	 * @param beanName the annotated bean
	 * @param value the annotation's value
	 * @param problem what is wrong with it
	 */
	public InvalidMeshClientException(String beanName, String value, String problem) {
		super("@MeshClient(\"" + value + "\") on bean '" + beanName + "': " + problem);
		this.beanName = beanName;
		this.value = value;
	}

	/**
	 * @return the annotated bean
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * @return the annotation's value
	 */
	public String getValue() {
		return this.value;
	}

}

package dev.mesh.security;

import java.util.Collection;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.util.StringUtils;

/**
 * A decoder that runs the mesh's checks on every token another decoder has accepted.
 * Spring Boot adds validator beans only to the decoders it builds, so an application's
 * own {@link JwtDecoder} would otherwise accept a token for any audience. A failed check
 * is a {@link JwtValidationException}, which the resource server answers with
 * {@code 401 invalid_token} and the check's description, as Spring's own decoder does.
 */
final class ValidatingJwtDecoder implements JwtDecoder {

	private final JwtDecoder delegate;

	private final OAuth2TokenValidator<Jwt> validator;

	ValidatingJwtDecoder(JwtDecoder delegate, OAuth2TokenValidator<Jwt> validator) {
		this.delegate = delegate;
		this.validator = validator;
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Jwt jwt = this.delegate.decode(token);
		OAuth2TokenValidatorResult result = this.validator.validate(jwt);
		if (result.hasErrors()) {
			Collection<OAuth2Error> errors = result.getErrors();
			String description = errors.stream()
				.map(OAuth2Error::getDescription)
				.filter(StringUtils::hasText)
				.findFirst()
				.orElse("invalid token");
			// the same wording as NimbusJwtDecoder, so callers see one message whichever
			// decoder refused
			throw new JwtValidationException("An error occurred while attempting to decode the Jwt: " + description,
					errors);
		}
		return jwt;
	}

}

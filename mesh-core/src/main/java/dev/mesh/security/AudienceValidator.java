package dev.mesh.security;

import java.util.List;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/** Accepts only tokens whose audience ({@code aud}) contains this service's audience. */
final class AudienceValidator implements OAuth2TokenValidator<Jwt> {

	private final String audience;

	private final OAuth2Error error;

	AudienceValidator(String audience) {
		this.audience = audience;
		this.error = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
				"The token's audience does not include '" + audience + "'", null);
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		List<String> audiences = jwt.getAudience();
		if (audiences != null && audiences.contains(this.audience)) {
			return OAuth2TokenValidatorResult.success();
		}
		return OAuth2TokenValidatorResult.failure(this.error);
	}

}

// What the sandbox's authorization server advertises: the SMART configuration (SMART App Launch 2) and the OpenID
// Connect discovery document, both served on the FHIR base.

/** /.well-known/smart-configuration on the FHIR base. */
export function smartConfiguration(origin: string, fhirBase: string): Record<string, unknown> {
  return {
    issuer: fhirBase,
    jwks_uri: `${origin}/auth/jwks`,
    authorization_endpoint: `${origin}/auth/authorize`,
    token_endpoint: `${origin}/auth/token`,
    grant_types_supported: ["authorization_code", "refresh_token"],
    token_endpoint_auth_methods_supported: ["none"],
    scopes_supported: [
      "openid", "fhirUser", "profile", "launch", "launch/patient", "offline_access", "online_access",
      "patient/*.read", "patient/*.write", "patient/*.*", "user/*.read", "user/*.write", "user/*.*",
      "patient/*.cruds", "patient/*.rs", "user/*.cruds", "user/*.rs",
    ],
    response_types_supported: ["code"],
    code_challenge_methods_supported: ["S256"],
    capabilities: [
      "launch-ehr", "launch-standalone", "client-public", "context-banner", "context-style",
      "context-ehr-patient", "context-standalone-patient", "permission-offline", "permission-online",
      "permission-patient", "permission-user", "permission-v1", "permission-v2", "sso-openid-connect",
      "authorize-post",
    ],
  };
}

/** /.well-known/openid-configuration on the FHIR base (the id_token issuer is the FHIR base). */
export function openidConfiguration(origin: string, fhirBase: string): Record<string, unknown> {
  return {
    issuer: fhirBase,
    authorization_endpoint: `${origin}/auth/authorize`,
    token_endpoint: `${origin}/auth/token`,
    jwks_uri: `${origin}/auth/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "fhirUser", "profile"],
    claims_supported: ["sub", "fhirUser", "name"],
  };
}

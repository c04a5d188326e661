import TributarySDK

/// The `oidc-jwt` plugin as the SDK describes it: `libtributary-oidc-jwt.so` exports it from its
/// entry file, and tests make instances from it in-process.
public let oidcJWTPluginDefinition = PluginDefinition(
    name: "oidc-jwt", version: "0.1.0",
    description: "Application users from an OpenID Connect provider: bearer JWTs verified against its published keys.",
    kind: .authenticator, abiMinor: 3,
    make: { host, config throws(PluginError) in try OIDCAuthenticator(host: host, config: config) })

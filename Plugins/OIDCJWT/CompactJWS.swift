import TributarySDK

/// A compact-serialized JWS (RFC 7515 section 7.1) taken apart, not yet trusted: the header
/// object, the payload bytes, the signature, and the signing input they were made over.
struct CompactJWS {
    /// Header members that would let the token pick its own key, where to fetch one, or rules the
    /// verifier must understand (RFC 8725 section 3.1 and 2.7; RFC 7515 section 4.1.11).
    static let refusedHeaders = ["jwk", "jku", "x5u", "x5c", "crit"]

    let algorithm: JWSAlgorithm
    let keyID: String?
    let type: String?
    let payload: [UInt8]
    let signature: [UInt8]
    /// `header.payload`, the bytes the signature covers.
    let signingInput: ArraySlice<UInt8>

    init(_ token: [UInt8]) throws(TokenRefusal) {
        let dots = token.indices.filter { token[$0] == 0x2E }
        guard dots.count == 2 else { throw .malformed("a JWS has three parts") }
        let headerPart = token[..<dots[0]], payloadPart = token[(dots[0] + 1)..<dots[1]], signaturePart = token[(dots[1] + 1)...]
        guard let headerBytes = Base64.decodeURL(headerPart), let payload = Base64.decodeURL(payloadPart),
              let signature = Base64.decodeURL(signaturePart) else { throw .malformed("a part is not base64url") }
        let node: JSONNode
        do {
            node = try PositionedJSONParser.parse(headerBytes)
        } catch {
            throw .malformed("header: \(error.reason)")
        }
        guard case .object = node.value else { throw .malformed("the header is not a JSON object") }
        let header = JSONField(node: node, path: "header")
        guard let alg = try? header.required("alg").string() else { throw .malformed("the header has no 'alg'") }
        guard let algorithm = JWSAlgorithm(rawValue: alg) else { throw .algorithmRefused(alg) }
        for name in Self.refusedHeaders where (try? header.member(name)) != nil { throw .headerRefused(name) }
        do {
            keyID = try header.member("kid")?.string()
            type = try header.member("typ")?.string()
        } catch {
            throw .malformed("'kid' and 'typ' must be strings")
        }
        guard !signature.isEmpty else { throw .malformed("the signature is empty") }
        self.algorithm = algorithm
        self.payload = payload
        self.signature = signature
        signingInput = token[..<dots[1]]
    }
}

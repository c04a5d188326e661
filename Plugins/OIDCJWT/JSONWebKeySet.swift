import TributarySDK

/// A provider's signing keys (RFC 7517 section 5), immutable: a refresh makes a new set.
struct JSONWebKeySet: Sendable {
    /// Keys tried for a token that names no `kid`, at most: each try is a signature check.
    static let maxKeysWithoutID = 4

    let keys: [JSONWebKey]
    /// Entries left out, each with why (logged when the set is taken).
    let skipped: [String]

    enum Lookup {
        case found([JSONWebKey])
        /// No key has this `kid`: the provider may have rotated (worth one rate-limited refetch).
        case unknownID(String)
        /// Keys exist but none may check this algorithm (wrong type, `alg`, `use` or `key_ops`).
        case unusable
    }

    init(keys: [JSONWebKey], skipped: [String] = []) {
        self.keys = keys
        self.skipped = skipped
    }

    /// Parses a JWK Set document of at most `maxBytes` and `maxKeys` keys. A key that cannot be
    /// used is skipped with its reason; a set with no usable key at all is an error.
    static func parse(_ bytes: [UInt8], maxBytes: Int, maxKeys: Int) throws(PositionedError) -> JSONWebKeySet {
        guard bytes.count <= maxBytes else { throw PositionedError(offset: maxBytes, reason: "the key set is larger than \(maxBytes) bytes") }
        let root = JSONField(node: try PositionedJSONParser.parse(bytes), path: "")
        let entries = try root.required("keys").elements()
        guard entries.count <= maxKeys else { throw root.fail("the key set holds \(entries.count) keys; at most \(maxKeys) are accepted") }
        var keys: [JSONWebKey] = []
        var skipped: [String] = []
        for entry in entries {
            do {
                switch try JSONWebKey.parse(entry) {
                case .key(let key): keys.append(key)
                case .skipped(let reason): skipped.append(reason)
                }
            } catch {
                skipped.append(error.reason)
            }
        }
        guard !keys.isEmpty else {
            throw root.fail("no usable signing key" + (skipped.isEmpty ? "" : ": " + skipped.joined(separator: "; ")))
        }
        return JSONWebKeySet(keys: keys, skipped: skipped)
    }

    func lookup(id: String?, algorithm: JWSAlgorithm) -> Lookup {
        guard let id else {
            let usable = keys.filter { $0.accepts(algorithm) }
            return usable.isEmpty ? .unusable : .found(Array(usable.prefix(Self.maxKeysWithoutID)))
        }
        let named = keys.filter { $0.id == id }
        guard !named.isEmpty else { return .unknownID(id) }
        let usable = named.filter { $0.accepts(algorithm) }
        return usable.isEmpty ? .unusable : .found(usable)
    }
}

/// The CoRE Content-Formats registry (RFC 7252 section 12.3 and its IANA registry): the number a
/// Content-Format or Accept option carries, and the media type it stands for.
public enum CoAPContentFormat {
    /// The formats an IoT device sends; the registry has more, which map to nil.
    public static let mediaTypes: [UInt16: String] = [
        0: "text/plain; charset=utf-8",
        16: "application/cose; cose-type=\"cose-encrypt0\"",
        17: "application/cose; cose-type=\"cose-mac0\"",
        18: "application/cose; cose-type=\"cose-sign1\"",
        40: "application/link-format",
        41: "application/xml",
        42: "application/octet-stream",
        47: "application/exi",
        50: "application/json",
        51: "application/json-patch+json",
        52: "application/merge-patch+json",
        60: "application/cbor",
        61: "application/cwt",
        62: "application/multipart-core",
        63: "application/cbor-seq",
        110: "application/senml+json",
        111: "application/sensml+json",
        112: "application/senml+cbor",
        113: "application/sensml+cbor",
        310: "application/senml+xml",
        311: "application/sensml+xml",
        11542: "application/vnd.oma.lwm2m+tlv",
        11543: "application/vnd.oma.lwm2m+json",
        11544: "application/vnd.oma.lwm2m+cbor",
    ]

    private static let numbers: [String: UInt16] = Dictionary(uniqueKeysWithValues: mediaTypes.map { ($0.value, $0.key) })

    public static func mediaType(_ number: UInt16) -> String? { mediaTypes[number] }

    /// The number for a media type as the registry spells it (`text/plain; charset=utf-8`);
    /// nil when it has none here.
    public static func number(_ mediaType: String) -> UInt16? { numbers[mediaType] }
}

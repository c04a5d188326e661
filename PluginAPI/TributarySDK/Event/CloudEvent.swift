/// One named extension attribute of a ``CloudEvent`` (for example `device` = `sensor-1`).
///
/// Why a list of pairs rather than a dictionary: attribute order is part of the wire format
/// tributary produces (it mirrors Drogue Cloud's order), and a handful of entries is scanned
/// faster than it is hashed.
public struct CloudEventAttribute: Sendable, Equatable {
    /// The attribute name. CloudEvents restricts names to lowercase ASCII letters and digits;
    /// this type does not enforce that.
    public var name: String
    /// The attribute value, in its string form.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The normalized form of every device message: a CloudEvents 1.0 event, compatible with the
/// events Drogue Cloud produces.
///
/// Why: adapters (HTTP, MQTT, …) turn device messages into this value, and sinks consume it,
/// so plugins only ever deal with one shape. It is a plain value type: `Sendable`, owning its
/// strings and payload, and cheap to pass (copy-on-write storage).
///
/// Attributes are kept as text exactly as they will be serialized; nothing here validates
/// them (for example that `time` is RFC 3339, see ``RFC3339``). Serialize with
/// ``CloudEventJSONEncoder``.
public struct CloudEvent: Sendable, Equatable {
    /// CloudEvents spec version; `"1.0"`.
    public var specversion: String = "1.0"
    /// Event id, unique per `source` (tributary uses ``UUIDv4``).
    public var id: String
    /// Event type, for example `io.drogue.event.v1`.
    public var type: String
    /// Event source, for example `drogue://<application>/<device>` (path segments
    /// percent-encoded with ``PercentEncoding``).
    public var source: String
    /// Optional subject; Drogue uses the channel / MQTT topic.
    public var subject: String?
    /// Optional RFC 3339 timestamp text (see ``RFC3339``).
    public var time: String?
    /// Optional media type of ``data`` (`datacontenttype`); decides how the JSON encoder
    /// embeds the payload.
    public var dataContentType: String?
    /// Extension attributes in serialization order: application, device, sender,
    /// partitionkey, instance, dataschema and adapter-specific ones. Names should be unique;
    /// ``extension(_:)`` returns the first match.
    public var extensions: [CloudEventAttribute]
    /// The payload bytes; empty means "no data".
    public var data: [UInt8]

    /// Creates an event. Only `id`, `type` and `source` are required.
    public init(
        specversion: String = "1.0",
        id: String,
        type: String,
        source: String,
        subject: String? = nil,
        time: String? = nil,
        dataContentType: String? = nil,
        extensions: [CloudEventAttribute] = [],
        data: [UInt8] = []
    ) {
        self.specversion = specversion
        self.id = id
        self.type = type
        self.source = source
        self.subject = subject
        self.time = time
        self.dataContentType = dataContentType
        self.extensions = extensions
        self.data = data
    }

    /// The value of the first extension attribute called `name` (case-sensitive), or `nil`.
    /// A linear scan: events carry only a handful of extensions.
    public func `extension`(_ name: String) -> String? {
        for attribute in extensions where attribute.name == name {
            return attribute.value
        }
        return nil
    }
}

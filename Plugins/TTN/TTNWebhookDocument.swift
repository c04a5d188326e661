import TributarySDK

/// One webhook body of The Things Network (v2) or The Things Stack (v3), read for what becomes an
/// event. Unknown members are ignored; a member this adapter reads must have its documented type,
/// or the webhook is refused with a 400 naming it (`uplink_message.f_port: expected a number`).
struct TTNWebhookDocument {
    enum Version: Sendable { case v2, v3 }

    /// What the webhook carries.
    enum Content {
        case uplink(TTNUplink)
        /// A v3 message other than an uplink that applications want to see (a join, the fate of a
        /// downlink, a location): published whole on the channel named after it.
        case notification(channel: String)
        /// A v3 message this adapter does not know: acknowledged, not published.
        case unknown
    }

    /// The end device the message is about (`dev_id`, `end_device_ids.device_id`): the device the
    /// event is published `as`.
    let deviceID: String
    let content: Content

    /// v3 messages besides `uplink_message`, published on their own channel (README.md, "TTN").
    static let notifications = ["join_accept", "downlink_ack", "downlink_nack", "downlink_sent", "downlink_failed",
                                "downlink_queued", "downlink_queue_invalidated", "location_solved", "service_data"]

    init(_ body: [UInt8], version: Version) throws(PositionedError) {
        let root = JSONField(node: try PositionedJSONParser.parse(body), path: "")
        _ = try root.members()
        switch version {
        case .v2:
            deviceID = try root.required("dev_id").name()
            content = .uplink(try TTNUplink(v2: root, body))
        case .v3:
            deviceID = try root.required("end_device_ids").required("device_id").name()
            if let uplink = try root.member("uplink_message") {
                content = .uplink(try TTNUplink(v3: uplink, root: root, body))
                return
            }
            for name in Self.notifications where try root.member(name) != nil {
                content = .notification(channel: name)
                return
            }
            content = .unknown
        }
    }
}

/// An uplink's LoRaWAN facts and payloads.
struct TTNUplink {
    var port: Int64
    var frameCounter: Int64?
    /// The device's bytes (`frm_payload`, `payload_raw`), nil when the message carries none.
    var payload: [UInt8]?
    /// The decoded payload's JSON text as the network wrote it, nil when absent.
    var fields: ArraySlice<UInt8>?
    /// The network's receipt time, Unix nanoseconds.
    var receivedAt: Int64?
    /// `hardware_serial` (v2) or `dev_eui` (v3; `dev_addr` when the EUI is absent).
    var hardwareAddress: String?
    /// v2's `is_retry`.
    var isRetry: Bool?

    init(v2 root: JSONField, _ body: [UInt8]) throws(PositionedError) {
        port = try root.required("port").integer(in: 0...255)
        frameCounter = try root.member("counter")?.integer(in: 0...Int64(UInt32.max))
        payload = try Self.base64(root.member("payload_raw"))
        fields = try root.member("payload_fields").map { $0.node.bytes(in: body) }
        receivedAt = try Self.time(root.member("metadata")?.member("time"))
        hardwareAddress = try root.member("hardware_serial")?.string()
        isRetry = try root.member("is_retry")?.bool()
    }

    init(v3 uplink: JSONField, root: JSONField, _ body: [UInt8]) throws(PositionedError) {
        _ = try uplink.members()
        // Protocol buffers' JSON leaves out a zero f_port (a MAC-only frame).
        port = try uplink.member("f_port")?.integer(in: 0...255) ?? 0
        frameCounter = try uplink.member("f_cnt")?.integer(in: 0...Int64(UInt32.max))
        payload = try Self.base64(uplink.member("frm_payload"))
        fields = try uplink.member("decoded_payload").map { $0.node.bytes(in: body) }
        if let metadata = try uplink.member("rx_metadata") { _ = try metadata.elements() }
        if let settings = try uplink.member("settings") { _ = try settings.members() }
        // `??` would throw untyped errors.
        if let time = try Self.time(uplink.member("received_at")) {
            receivedAt = time
        } else {
            receivedAt = try Self.time(root.member("received_at"))
        }
        let ids = try root.required("end_device_ids")
        if let eui = try ids.member("dev_eui")?.string() {
            hardwareAddress = eui
        } else {
            hardwareAddress = try ids.member("dev_addr")?.string()
        }
    }

    private static func base64(_ field: JSONField?) throws(PositionedError) -> [UInt8]? {
        guard let field else { return nil }
        guard let bytes = Base64.decode(try field.string()) else { throw field.fail("expected base64") }
        return bytes
    }

    private static func time(_ field: JSONField?) throws(PositionedError) -> Int64? {
        guard let field else { return nil }
        guard let time = RFC3339.parse(try field.string()) else { throw field.fail("expected an RFC 3339 time") }
        return time
    }
}

import TributaryNet
import TributarySDK

/// The registry's settings for one uplink, from the properties its authentication returned
/// (`device:ttn`, `device:lorawan`, `application:ttn` of the end device and its application).
/// A setting the registry does not hold, or holds in a shape this adapter cannot read, falls back
/// to the drop-in's default; the reason goes to `problems` for the log.
struct TTNDeviceSettings {
    /// The property names every webhook's authentication asks for, in the order read below.
    static let properties = ["device:ttn", "device:lorawan", "application:ttn"]

    var payload: TTNPayloadMode?
    /// `spec.lorawan.ports."<port>".data_schema`.
    var dataSchemaByPort: [String: String] = [:]
    /// `spec.ttn.api` of the application: where its devices' downlinks go.
    var api: ConfiguredDownlinkAPI?
    var problems: [String] = []

    init(_ verdict: DeviceVerdict) {
        if let ttn = Self.object(verdict.property(0), "spec.ttn", &problems),
           let field = try? ttn.member("payload") {
            if let text = try? field.string(), let mode = TTNPayloadMode(rawValue: text) {
                payload = mode
            } else {
                problems.append("spec.ttn.payload: expected raw, fields or full")
            }
        }
        if let lorawan = Self.object(verdict.property(1), "spec.lorawan", &problems),
           let ports = try? lorawan.member("ports"), let entries = try? ports.members() {
            for (port, _, entry) in entries {
                if let schema = try? entry.member("data_schema")?.string() { dataSchemaByPort[port] = schema }
            }
        }
        if let ttn = Self.object(verdict.property(2), "application spec.ttn", &problems), let field = try? ttn.member("api") {
            do throws(PositionedError) {
                api = try ConfiguredDownlinkAPI(field)
            } catch {
                problems.append("application spec.ttn.api: \(error.reason)")
            }
        }
    }

    private static func object(_ text: [UInt8]?, _ name: String, _ problems: inout [String]) -> JSONField? {
        guard let text else { return nil }
        do throws(PositionedError) {
            let field = JSONField(node: try PositionedJSONParser.parse(text), path: name)
            _ = try field.members()
            return field
        } catch {
            problems.append("\(name): \(error.reason)")
            return nil
        }
    }
}

/// `spec.ttn.api` of an application: `{"url": ".../devices", "apiKey": "NNSXS...", "mode": "push"}`.
/// A device's downlink goes to `{url}/{device}/down/{mode}` with `Authorization: Bearer {apiKey}`.
struct ConfiguredDownlinkAPI: Sendable, Equatable {
    let url: String
    let apiKey: String
    let mode: DownlinkMode?

    init(_ field: JSONField) throws(PositionedError) {
        url = try field.required("url").name()
        apiKey = try field.required("apiKey").name()
        if let mode = try field.member("mode") {
            guard let parsed = DownlinkMode(rawValue: try mode.string()) else { throw mode.fail("expected push or replace") }
            self.mode = parsed
        } else {
            mode = nil
        }
    }
}

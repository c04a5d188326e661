import TributaryNet

/// Where one end device's downlinks go: a URL of The Things Stack's downlink API and the key
/// that may post to it.
struct DownlinkTarget: Sendable, Equatable {
    let url: HTTPURL
    let apiKey: String

    /// What an uplink's `X-Downlink-Push`, `X-Downlink-Replace` and `X-Downlink-Apikey` headers
    /// announce, for `mode` (falling back to the other operation when only that one is
    /// announced); nil when they announce no usable target. `allowHTTP`: accept `http://`.
    static func announced(push: String?, replace: String?, apiKey: String?, mode: DownlinkMode, allowHTTP: Bool) -> DownlinkTarget? {
        guard let apiKey, !apiKey.isEmpty else { return nil }
        let preferred = mode == .push ? push ?? replace : replace ?? push
        guard let text = preferred, let url = try? HTTPURL(text), allowHTTP || url.origin.scheme == .https else { return nil }
        return DownlinkTarget(url: url, apiKey: apiKey)
    }

    /// `{url}/{device}/down/{mode}` of an application's configured API (`spec.ttn.api`).
    static func configured(_ api: ConfiguredDownlinkAPI, device: String, mode: DownlinkMode, allowHTTP: Bool) -> DownlinkTarget? {
        let base = api.url.hasSuffix("/") ? String(api.url.dropLast()) : api.url
        let operation = api.mode ?? mode
        guard let url = try? HTTPURL("\(base)/\(PathSegment.encode(device))/down/\(operation.rawValue)"),
              allowHTTP || url.origin.scheme == .https else { return nil }
        return DownlinkTarget(url: url, apiKey: api.apiKey)
    }
}

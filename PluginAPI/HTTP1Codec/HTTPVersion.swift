/// The HTTP/1.x versions the codecs speak.
///
/// HTTP/1.2 to 1.9 are decoded as 1.1, as RFC 9110 section 2.5 asks of a recipient that meets a
/// higher minor version; other majors are a 505.
public enum HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    case http1_0
    case http1_1

    /// `HTTP/1.0` or `HTTP/1.1`, as on the wire.
    public var description: String {
        switch self {
        case .http1_0: "HTTP/1.0"
        case .http1_1: "HTTP/1.1"
        }
    }

    /// Whether the connection stays open after a message with these headers (RFC 9112 section
    /// 9.3): HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
    func keepsAlive(_ headers: HTTPHeaders) -> Bool {
        if headers.containsToken("close", inList: "Connection") { return false }
        return self == .http1_1 || headers.containsToken("keep-alive", inList: "Connection")
    }

    /// Parses `HTTP/x.y` at the end of a start line; `malformed` is thrown for anything else.
    static func parse(_ text: ArraySlice<UInt8>, malformed: HTTPParseError) throws(HTTPParseError) -> HTTPVersion {
        let bytes = Array(text)
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), bytes[6] == 0x2E, bytes[5] &- 0x30 < 10, bytes[7] &- 0x30 < 10
        else { throw malformed }
        switch (bytes[5], bytes[7]) {
        case (0x31, 0x30): return .http1_0
        case (0x31, _): return .http1_1
        default: throw .unsupportedVersion
        }
    }
}

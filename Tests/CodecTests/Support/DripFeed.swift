import XCTest
@testable import HTTP1Codec
@testable import WebSocketCodec

/// What every codec decoder offers: append bytes, take messages until nil.
protocol DripFeedDecoder {
    associatedtype Message: Equatable
    associatedtype Failure: Error & Equatable
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    mutating func next() throws(Failure) -> Message?
}

extension HTTPRequestDecoder: DripFeedDecoder {}
extension HTTPResponseDecoder: DripFeedDecoder {}
extension WebSocketFrameDecoder: DripFeedDecoder {}

/// Feeds decoders the way a socket might, as SwiftNIO's `ByteToMessageDecoderVerifier` does:
/// everything in one piece and drip-fed one byte at a time must decode alike.
enum DripFeed {
    /// Appends `bytes` in pieces of `pieceSize`, taking every message after each piece, and stops
    /// at the first error.
    static func decode<D: DripFeedDecoder>(
        _ bytes: [UInt8], with decoder: inout D, pieceSize: Int
    ) -> (messages: [D.Message], error: D.Failure?) {
        var messages: [D.Message] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceSize, bytes.count)
            bytes[start..<end].withUnsafeBytes { decoder.append($0) }
            start = end
            do throws(D.Failure) {
                while let message = try decoder.next() { messages.append(message) }
            } catch {
                return (messages, error)
            }
        }
        return (messages, nil)
    }

    /// Decodes `bytes` all at once and one byte at a time with fresh decoders from `make`,
    /// asserts that both give the same messages and error, and returns them.
    @discardableResult
    static func decodeBothWays<D: DripFeedDecoder>(
        _ bytes: [UInt8], _ make: () -> D, file: StaticString = #filePath, line: UInt = #line
    ) -> (messages: [D.Message], error: D.Failure?) {
        var whole = make()
        let atOnce = decode(bytes, with: &whole, pieceSize: max(bytes.count, 1))
        var drip = make()
        let dripFed = decode(bytes, with: &drip, pieceSize: 1)
        XCTAssertEqual(atOnce.messages, dripFed.messages, "all at once vs drip-fed", file: file, line: line)
        XCTAssertEqual(atOnce.error, dripFed.error, "all at once vs drip-fed", file: file, line: line)
        return atOnce
    }
}

extension String {
    /// The UTF-8 bytes, for writing wire messages as literals.
    var bytes: [UInt8] { Array(utf8) }
}

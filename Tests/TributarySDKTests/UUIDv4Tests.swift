import XCTest

@testable import TributarySDK

final class UUIDv4Tests: XCTestCase {
    private func assertWellFormed(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let pattern = try! Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        XCTAssertNotNil(text.wholeMatch(of: pattern), text, file: file, line: line)
    }

    func testFormat() {
        for _ in 0..<1_000 {
            assertWellFormed(UUIDv4.random())
        }
    }

    func testVersionAndVariantBits() throws {
        for _ in 0..<1_000 {
            let text = UUIDv4.random()
            let uuid = try XCTUnwrap(UUID(uuidString: text))
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            XCTAssertEqual(bytes[6] >> 4, 4, "version")
            XCTAssertEqual(bytes[8] >> 6, 0b10, "variant")
            XCTAssertEqual(uuid.uuidString.lowercased(), text)
        }
    }

    func testAppendRandomAppends() {
        var output: [UInt8] = Array("id=".utf8)
        UUIDv4.appendRandom(to: &output)
        XCTAssertEqual(output.count, 3 + 36)
        XCTAssertEqual(Array(output.prefix(3)), Array("id=".utf8))
        assertWellFormed(String(decoding: output.dropFirst(3), as: UTF8.self))
    }

    func testBitsLookUniform() {
        // Every one of the 122 random bits should be set about half the time.
        var ones = [Int](repeating: 0, count: 128)
        let samples = 20_000
        for _ in 0..<samples {
            let uuid = UUID(uuidString: UUIDv4.random())!
            withUnsafeBytes(of: uuid.uuid) { bytes in
                for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 {
                    ones[bit] += 1
                }
            }
        }
        let fixed: [Int: Bool] = [48: false, 49: true, 50: false, 51: false, 64: true, 65: false]
        for bit in 0..<128 {
            if let value = fixed[bit] {
                XCTAssertEqual(ones[bit], value ? samples : 0, "bit \(bit)")
            } else {
                XCTAssertEqual(Double(ones[bit]) / Double(samples), 0.5, accuracy: 0.03, "bit \(bit)")
            }
        }
    }

    func testUniqueAcrossFourThreads() {
        final class Collector: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
        }
        let collector = Collector()
        let group = DispatchGroup()
        let perThread = 25_000
        for _ in 0..<4 {
            group.enter()
            let thread = Thread {
                var local: [String] = []
                local.reserveCapacity(perThread)
                for _ in 0..<perThread { local.append(UUIDv4.random()) }
                collector.lock.lock()
                collector.all += local
                collector.lock.unlock()
                group.leave()
            }
            thread.start()
        }
        group.wait()
        XCTAssertEqual(collector.all.count, 100_000)
        XCTAssertEqual(Set(collector.all).count, 100_000)
        for text in collector.all.prefix(100) { assertWellFormed(text) }
    }
}

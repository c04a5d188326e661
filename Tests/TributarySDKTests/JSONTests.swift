import XCTest

@testable import TributarySDK

final class JSONTests: XCTestCase {
    // MARK: - Helpers

    /// Compacts `bytes` into a buffer that already holds a prefix, checks that `compact` and
    /// `isValid` agree and that a failure restores the buffer, and returns the compact text.
    private func compacted(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String? {
        let prefix: [UInt8] = [0xAA, 0xBB]
        var output = prefix
        let ok = bytes.withUnsafeBytes { JSON.compact($0, into: &output) }
        let valid = bytes.withUnsafeBytes { JSON.isValid($0) }
        XCTAssertEqual(ok, valid, "compact and isValid disagree on \(bytes)", file: file, line: line)
        XCTAssertEqual(Array(output.prefix(2)), prefix, "prefix overwritten", file: file, line: line)
        guard ok else {
            XCTAssertEqual(output, prefix, "output not truncated after failure", file: file, line: line)
            return nil
        }
        return String(decoding: output.dropFirst(2), as: UTF8.self)
    }

    private func compacted(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        compacted(Array(text.utf8), file: file, line: line)
    }

    private func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        JSON.appendQuoted(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func isJSONType(_ contentType: String) -> Bool {
        let viaString = JSON.isJSONContentType(contentType)
        let viaBytes = Array(contentType.utf8).withUnsafeBytes { JSON.isJSONContentType($0) }
        XCTAssertEqual(viaString, viaBytes)
        return viaString
    }

    // MARK: - Validation and compaction

    func testValidScalarsAreKeptVerbatim() {
        for text in [
            "0", "-0", "1e5", "1E+5", "1e-5", "0.5", "-0.0e-0", "123.456e+789", "-1", "9007199254740993",
            "123456789012345678901234567890", "true", "false", "null", "\"\"", "\"abc\"",
        ] {
            XCTAssertEqual(compacted(text), text, text)
        }
    }

    func testInvalidNumbers() {
        for text in [
            "01", "00", "-01", "1.", ".5", "+1", "-", "--1", "-a", "1e", "1e+", "1E-", "1.e5", "-.5", "0x1",
            "1e5.5", "NaN", "-NaN", "Infinity", "-Infinity", "1_000", "1,5",
        ] {
            XCTAssertNil(compacted(text), text)
        }
    }

    func testInvalidLiteralsAndStructure() {
        for text in [
            "", " ", "tru", "truex", "nul", "nulll", "True", "FALSE", "undefined", "[1,]", "[,1]", "[1,,2]",
            "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\" 1}", "{1:2}", "{a:1}", "{'a':1}", "[1 2]", "[", "]", "{",
            "}", "[1]]", "{}}", "[\"a\":1]", "{\"a\":1:2}", "1 2", "[] []", "{\"a\":1}x", "'a'", "[-]",
            "\u{0C}1", "\u{A0}1", "1\u{0B}", "/* c */ 1",
        ] {
            XCTAssertNil(compacted(text), text.debugDescription)
        }
    }

    func testAnyTopLevelValueIsAccepted() {
        XCTAssertEqual(compacted(" 42 "), "42")
        XCTAssertEqual(compacted("\t\"s\"\n"), "\"s\"")
        XCTAssertEqual(compacted("\r\nnull\r\n"), "null")
        XCTAssertEqual(compacted(" [ ] "), "[]")
        XCTAssertEqual(compacted(" { } "), "{}")
    }

    func testWhitespaceIsRemovedButStringsAreUntouched() {
        let input = """
            {
              "a b" : "c  d\\n\\u0041\\/" ,
              "z":[ {} , [ ] , 1.50 , -0 , 1E+2 ],
              "nested" : { "k" : [ true , false , null ] }
            }
            """
        XCTAssertEqual(
            compacted(input),
            #"{"a b":"c  d\n\u0041\/","z":[{},[],1.50,-0,1E+2],"nested":{"k":[true,false,null]}}"#)
    }

    func testKeyOrderAndDuplicateKeysArePreserved() {
        XCTAssertEqual(compacted(#"{"b":1, "a":2, "b":3}"#), #"{"b":1,"a":2,"b":3}"#)
    }

    func testAlreadyCompactInputIsCopiedUnchanged() {
        let input = #"{"temp":21.5,"name":"sensor 1","tags":["a","b"],"ok":true,"x":null}"#
        XCTAssertEqual(compacted(input), input)
    }

    func testCompactIsIdempotent() {
        let once = compacted(" { \"a\" : [ 1 , \"x y\" ] } ")!
        XCTAssertEqual(compacted(once), once)
    }

    func testStringEscapes() {
        XCTAssertNotNil(compacted(#""\"\\\/\b\f\n\r\t""#))
        XCTAssertNotNil(compacted(#""\u0000\u001f\uFFFF\uabcd""#))
        XCTAssertNil(compacted(#""\x""#))
        XCTAssertNil(compacted(#""\'""#))
        XCTAssertNil(compacted(#""\u12""#))
        XCTAssertNil(compacted(#""\u12G4""#))
        XCTAssertNil(compacted(#""\U0041""#))
        XCTAssertNil(compacted(#""abc"#))
        XCTAssertNil(compacted(#""abc\"#))
    }

    func testSurrogateEscapes() {
        XCTAssertEqual(compacted(#""\ud83d\ude00""#), #""\ud83d\ude00""#)
        XCTAssertEqual(compacted(#""\uD834\uDD1E""#), #""\uD834\uDD1E""#)
        XCTAssertNil(compacted(#""\ud800""#), "lone high surrogate")
        XCTAssertEqual(compacted(#""\udbff\udfff""#), #""\udbff\udfff""#, "U+10FFFF as a pair")
        XCTAssertNil(compacted(#""\udc00""#), "lone low surrogate")
        XCTAssertNil(compacted(#""\udfff""#), "lone low surrogate")
        XCTAssertNil(compacted(#""a\uDFFFb""#), "lone low surrogate, uppercase")
        XCTAssertNil(compacted(#""\ud800\ue000""#), "high surrogate followed by a non-surrogate escape")
        XCTAssertNil(compacted(#""\ud800\u0041""#), "high surrogate followed by non-surrogate")
        XCTAssertNil(compacted(#""\ud800\ud800""#), "two high surrogates")
        XCTAssertNil(compacted(#""\ud800x""#))
        XCTAssertNil(compacted(#""\ude00\ud83d""#), "reversed pair")
    }

    func testRawControlCharactersInStringsAreInvalid() {
        for byte: UInt8 in 0..<0x20 {
            XCTAssertNil(compacted([0x22, 0x61, byte, 0x62, 0x22]), "control \(byte)")
        }
        XCTAssertNotNil(compacted([0x22, 0x7F, 0x22]), "DEL is allowed")
    }

    func testUTF8InsideStrings() {
        XCTAssertEqual(compacted("\"äöü € 😀 \u{10FFFF}\""), "\"äöü € 😀 \u{10FFFF}\"")
        XCTAssertNotNil(compacted([0x22, 0xED, 0x9F, 0xBF, 0x22]), "U+D7FF")
        XCTAssertNotNil(compacted([0x22, 0xEE, 0x80, 0x80, 0x22]), "U+E000")
        XCTAssertNotNil(compacted([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]), "U+10FFFF")
        let invalid: [[UInt8]] = [
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0xBF, 0x22],
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xC1, 0xBF, 0x22],  // overlong
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
            [0x22, 0xE0, 0x9F, 0xBF, 0x22],
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate U+D800
            [0x22, 0xED, 0xBF, 0xBF, 0x22],  // encoded surrogate U+DFFF
            [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22],  // overlong 4-byte
            [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
            [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22],
            [0x22, 0xFE, 0x22], [0x22, 0xFF, 0x22],
            [0x22, 0xC3, 0x22],  // truncated 2-byte
            [0x22, 0xE2, 0x82, 0x22],  // truncated 3-byte
            [0x22, 0xF0, 0x9F, 0x98, 0x22],  // truncated 4-byte
            [0x22, 0xC3],  // truncated at end of input
            [0x22, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0xC3, 0x28, 0x22],  // after a clean word
        ]
        for bytes in invalid {
            XCTAssertNil(compacted(bytes), "\(bytes)")
        }
    }

    func testNonASCIIOutsideStringsIsInvalid() {
        XCTAssertNil(compacted([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]), "leading UTF-8 BOM")
        XCTAssertNil(compacted([0x7B, 0x7D, 0xEF, 0xBB, 0xBF]))
        XCTAssertNil(compacted([0x5B, 0xC2, 0xA0, 0x31, 0x5D]), "NBSP is not JSON whitespace")
        XCTAssertNil(compacted([0x31, 0x00]), "NUL after value")
    }

    func testNestingLimit() {
        XCTAssertEqual(JSON.maxDepth, 512)
        let depth512 = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertEqual(compacted(depth512), depth512)
        let depth513 = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        XCTAssertNil(compacted(depth513))
        let objects512 = String(repeating: "{\"a\":", count: 512) + "1" + String(repeating: "}", count: 512)
        XCTAssertNotNil(compacted(objects512))
        let objects513 = String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)
        XCTAssertNil(compacted(objects513))
        let spaced = String(repeating: "[ ", count: 300) + String(repeating: " ]", count: 300)
        XCTAssertEqual(compacted(spaced), String(repeating: "[", count: 300) + String(repeating: "]", count: 300))
    }

    func testVeryDeepNestingFailsWithoutCrashing() {
        XCTAssertNil(compacted(String(repeating: "[", count: 10_000)))
        XCTAssertNil(compacted(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)))
        XCTAssertNil(compacted(String(repeating: "{\"a\":", count: 100_000)))
    }

    func testMismatchedBrackets() {
        XCTAssertNil(compacted("[}"))
        XCTAssertNil(compacted("{]"))
        XCTAssertNil(compacted("[{]}"))
        XCTAssertNil(compacted("{\"a\":[}]"))
    }

    func testIsValidOnEmptyBuffer() {
        XCTAssertFalse(JSON.isValid(UnsafeRawBufferPointer(start: nil, count: 0)))
        var output: [UInt8] = [1]
        XCTAssertFalse(JSON.compact(UnsafeRawBufferPointer(start: nil, count: 0), into: &output))
        XCTAssertEqual(output, [1])
    }

    /// Mutation fuzzing with a deterministic generator: `compact` must agree with `isValid`,
    /// remove exactly the whitespace outside strings, and be idempotent.
    func testMutatedDocumentsAgainstReferenceCompactor() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let seeds: [[UInt8]] = [
            Array(#"{"a": [1, 2.5e3, -0, true, false, null, "x\u00e9\ud83d\ude00 y"], "b": {"c": "d"}}"#.utf8),
            Array(" [ \"é😀\" , {} , [ ] , -12.5E+3, 0 ] ".utf8),
        ]
        let interesting: [UInt8] = [0x20, 0x0A, 0x22, 0x5C, 0x5B, 0x5D, 0x7B, 0x7D, 0x2C, 0x3A, 0x30, 0x2D, 0x65, 0x2E, 0x75, 0xC3]
        var accepted = 0
        for iteration in 0..<20_000 {
            var doc = seeds[iteration % seeds.count]
            for _ in 0..<(1 + Int(next() % 3)) where !doc.isEmpty {
                let position = Int(next() % UInt64(doc.count))
                switch next() % 3 {
                case 0: doc[position] = UInt8(truncatingIfNeeded: next())
                case 1: doc.remove(at: position)
                default: doc.insert(interesting[Int(next() % UInt64(interesting.count))], at: position)
                }
            }
            guard let result = compacted(doc) else { continue }
            accepted += 1
            // Reference: drop whitespace outside strings.
            var reference: [UInt8] = []
            var inString = false
            var escaped = false
            for byte in doc {
                if inString {
                    reference.append(byte)
                    if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                } else if ![0x20, 0x0A, 0x0D, 0x09].contains(byte) {
                    reference.append(byte)
                    if byte == 0x22 { inString = true }
                }
            }
            XCTAssertEqual(Array(result.utf8), reference)
            XCTAssertEqual(compacted(result), result)
        }
        XCTAssertGreaterThan(accepted, 100)
    }

    func testAcceptedDocumentsParseWithFoundation() throws {
        let documents = [
            #"{"a": [1, 2.5e3, -0, true, false, null, "x\u00e9\ud83d\ude00 y"], "b": {"c": "d"}}"#,
            " [ \"é😀\" , {} , [ ] , -12.5E+3, 0 ] ",
        ]
        for document in documents {
            let compact = try XCTUnwrap(compacted(document))
            let original = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
            let reparsed = try JSONSerialization.jsonObject(with: Data(compact.utf8), options: [.fragmentsAllowed])
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed]
            XCTAssertEqual(
                try JSONSerialization.data(withJSONObject: original, options: options),
                try JSONSerialization.data(withJSONObject: reparsed, options: options))
        }
    }

    // MARK: - Quoting

    func testAppendQuotedEscapes() {
        XCTAssertEqual(quoted(""), #""""#)
        XCTAssertEqual(quoted("plain text"), #""plain text""#)
        XCTAssertEqual(quoted("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(quoted("\n\r\t\u{8}\u{C}"), #""\n\r\t\b\f""#)
        XCTAssertEqual(quoted("\u{0}\u{1}\u{1F}"), #""\u0000\u0001\u001f""#)
        XCTAssertEqual(quoted("/ \u{7F}"), "\"/ \u{7F}\"", "slash and DEL are not escaped")
        XCTAssertEqual(quoted("äöü € 😀"), "\"äöü € 😀\"", "non-ASCII copied as-is")
        XCTAssertEqual(quoted("0123456789abcdef\"0123456789"), #""0123456789abcdef\"0123456789""#)
    }

    func testAppendQuotedAppendsAndProducesValidJSON() {
        var output: [UInt8] = Array("[".utf8)
        JSON.appendQuoted("x", to: &output)
        output.append(0x2C)
        let raw: [UInt8] = Array(0..<0x80)
        raw.withUnsafeBytes { JSON.appendQuoted($0, to: &output) }
        output.append(0x5D)
        XCTAssertTrue(output.withUnsafeBytes { JSON.isValid($0) })
        let decoded = try? JSONSerialization.jsonObject(with: Data(output)) as? [String]
        XCTAssertEqual(decoded?.first, "x")
        XCTAssertEqual(decoded?.last.map { Array($0.utf8) }, raw)
    }

    func testQuotedLengthMatchesOutputForEveryByte() {
        for byte in UInt8.min...UInt8.max {
            for length in [1, 3, 7, 8, 9, 16, 17] {
                var bytes = [UInt8](repeating: 0x61, count: length)
                bytes[length / 2] = byte
                var output: [UInt8] = []
                bytes.withUnsafeBytes { JSON.appendQuoted($0, to: &output) }
                XCTAssertEqual(bytes.withUnsafeBytes { JSON.quotedLength($0) }, output.count)
            }
        }
    }

    // MARK: - Content types

    func testJSONContentTypes() {
        for contentType in [
            "application/json", "application/json; charset=utf-8", "application/json-seq", "APPLICATION/JSON",
            "text/json", "TEXT/JSON", "text/json; charset=utf-8", "application/vnd.foo+json; charset=utf-8",
            "application/cloudevents+json", "application/ld+json", " application/json ", "\tapplication/json;",
            "application/vnd.api+JSON",
        ] {
            XCTAssertTrue(isJSONType(contentType), contentType)
        }
    }

    func testNonJSONContentTypes() {
        for contentType in [
            "", "text/plain", "text/plain; charset=utf-8", "application/octet-stream", "application/xml",
            "json", "application/jso", "application/x-json-ish+xml", "application/x+jsonx", "image/png",
            "multipart/form-data; boundary=+json", "text/html; profile=application/json",
        ] {
            XCTAssertFalse(isJSONType(contentType), contentType)
        }
    }
}

import TestSupport
import XCTest
@testable import TributaryHost

final class TOMLParserTests: XCTestCase {
    // MARK: Helpers

    private func parse(_ text: String) throws -> TOMLTable {
        try TOMLParser.parse(text, file: "test.conf")
    }

    /// Asserts that parsing fails with exactly `expected` as the error's description
    /// ("file:line:column: message").
    private func assertError(
        _ text: String, _ expected: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let table = try TOMLParser.parse(text, file: "test.conf")
            XCTFail("expected error \"\(expected)\", parsed \(table.flattened())", file: file, line: line)
        } catch {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        }
    }

    private func table(_ pairs: KeyValuePairs<String, TOMLValue>) -> TOMLTable {
        var result = TOMLTable()
        for (key, value) in pairs {
            result.append(key, value, at: SourcePosition(line: 0, column: 0))
        }
        return result
    }

    private func flat(_ text: String) throws -> [String] {
        try parse(text).flattened().map { "\($0.key)@\($0.position.line):\($0.position.column)" }
    }

    // MARK: Whole files

    func testRealisticDropIn() throws {
        let text = """
            # Kafka sink
            plugin = "kafka"
            enabled = false
            bootstrap_servers = "127.0.0.1:9092"
            [filter]
            applications = ["example-app", "other"]
            channels = []
            [tls]
            ca = '/etc/ssl/ca.pem'

            """
        let config = try TOMLParser.parse(text, file: "plugins.d/50-kafka.conf")
        XCTAssertEqual(config.keys, ["plugin", "enabled", "bootstrap_servers", "filter", "tls"])
        XCTAssertEqual(config["plugin"], .string("kafka"))
        XCTAssertEqual(config["enabled"], .boolean(false))
        XCTAssertEqual(config["bootstrap_servers"], .string("127.0.0.1:9092"))
        XCTAssertEqual(config["filter"], .table(table([
            "applications": .array([.string("example-app"), .string("other")]),
            "channels": .array([]),
        ])))
        XCTAssertEqual(config.position(of: "plugin"), SourcePosition(line: 2, column: 10))
        XCTAssertEqual(config.position(of: "filter"), SourcePosition(line: 5, column: 1))

        let entries = config.flattened()
        XCTAssertEqual(entries.map(\.key), [
            "plugin", "enabled", "bootstrap_servers", "filter.applications", "filter.channels", "tls.ca",
        ])
        XCTAssertEqual(entries.last, TOMLTable.FlatEntry(
            key: "tls.ca", value: .string("/etc/ssl/ca.pem"), position: SourcePosition(line: 9, column: 6)))
        XCTAssertEqual(entries[4], TOMLTable.FlatEntry(
            key: "filter.channels", value: .array([]), position: SourcePosition(line: 7, column: 12)))
    }

    func testEmptyAndCommentOnlyFiles() throws {
        XCTAssertEqual(try parse("").keys, [])
        XCTAssertEqual(try parse("\n\n  \t\n").keys, [])
        XCTAssertEqual(try parse("# only a comment").keys, [])
        XCTAssertEqual(try parse("# a\n   # b\n\n").keys, [])
    }

    func testCommentsAfterValuesAndHeaders() throws {
        let config = try parse("""
            a = 1 # one
            b = "# not a comment" #comment
            c = '#' # x
            [t] # table comment
            d = true#tight
            """)
        XCTAssertEqual(config["a"], .integer(1))
        XCTAssertEqual(config["b"], .string("# not a comment"))
        XCTAssertEqual(config["c"], .string("#"))
        XCTAssertEqual(config["t"], .table(table(["d": .boolean(true)])))
    }

    func testCRLFLineEndings() throws {
        let text = "# c\r\nplugin = \"kafka\"\r\n[tls]\r\nca = 'x' # c\r\nm = \"\"\"\r\na\r\nb\"\"\"\r\n"
        let config = try parse(text)
        XCTAssertEqual(config["plugin"], .string("kafka"))
        XCTAssertEqual(config.position(of: "plugin"), SourcePosition(line: 2, column: 10))
        guard case .table(let tls)? = config["tls"] else { return XCTFail("tls is not a table") }
        XCTAssertEqual(tls["ca"], .string("x"))
        XCTAssertEqual(tls["m"], .string("a\nb"), "CRLF inside multi-line strings becomes LF")
        assertError("a = 1\r\nb = = 2\r\n", "test.conf:2:5: expected a value, found '='")
        assertError("a = \"x\r\n", "test.conf:1:5: unterminated string")
    }

    func testByteOrderMarkIsIgnored() throws {
        XCTAssertEqual(try parse("\u{FEFF}a = 1")["a"], .integer(1))
        assertError("\u{FEFF}a = ?", "test.conf:1:5: expected a value, found '?'")
    }

    // MARK: Keys

    func testBareQuotedAndDottedKeys() throws {
        let config = try parse("""
            bare_key-1 = 1
            1234 = 2
            "quoted key" = 3
            'literal "key"' = 4
            "" = 5
            "a.b" = 6
            site . "google.com" . enabled = true
            x.y.z = 7
            3.14159 = "pi"
            "\\u00e9t\\u00e9" = 8
            """)
        XCTAssertEqual(config.keys, [
            "bare_key-1", "1234", "quoted key", "literal \"key\"", "", "a.b", "site", "x", "3", "été",
        ])
        XCTAssertEqual(config["quoted key"], .integer(3))
        XCTAssertEqual(config[""], .integer(5))
        XCTAssertEqual(config["a.b"], .integer(6))
        XCTAssertEqual(config["site"], .table(table(["google.com": .table(table(["enabled": .boolean(true)]))])))
        XCTAssertEqual(config["x"], .table(table(["y": .table(table(["z": .integer(7)]))])))
        XCTAssertEqual(config["3"], .table(table(["14159": .string("pi")])))
        XCTAssertEqual(config["été"], .integer(8))
    }

    func testDottedKeysExtendTheSameTable() throws {
        let config = try parse("""
            fruit.apple.color = "red"
            fruit.apple.taste.sweet = true
            fruit.orange = 2
            """)
        XCTAssertEqual(config["fruit"], .table(table([
            "apple": .table(table([
                "color": .string("red"),
                "taste": .table(table(["sweet": .boolean(true)])),
            ])),
            "orange": .integer(2),
        ])))
    }

    // MARK: Tables

    func testTableHeaders() throws {
        let config = try parse("""
            top = 0
            [server]
            port = 1
            [ server . "eu west" ]
            port = 2
            [a.b.c]
            d = 3
            [a]
            e = 4
            ['lit.part']
            f = 5
            [empty]
            """)
        XCTAssertEqual(config.keys, ["top", "server", "a", "lit.part", "empty"])
        XCTAssertEqual(config["server"], .table(table([
            "port": .integer(1),
            "eu west": .table(table(["port": .integer(2)])),
        ])))
        XCTAssertEqual(config["a"], .table(table([
            "b": .table(table(["c": .table(table(["d": .integer(3)]))])),
            "e": .integer(4),
        ])))
        XCTAssertEqual(config["lit.part"], .table(table(["f": .integer(5)])))
        XCTAssertEqual(config["empty"], .table(TOMLTable()))
    }

    func testHeaderMayAddSubtablesToDottedKeyTables() throws {
        let config = try parse("""
            [fruit]
            apple.color = "red"
            [fruit.apple.texture]
            smooth = true
            """)
        XCTAssertEqual(config["fruit"], .table(table([
            "apple": .table(table([
                "color": .string("red"),
                "texture": .table(table(["smooth": .boolean(true)])),
            ])),
        ])))
    }

    // MARK: Strings

    func testBasicStringEscapes() throws {
        let config = try parse(#"""
            s = "quote \" backslash \\ b\b t\t n\n f\f r\r"
            u = "\u00E9\U0001F600\u0041"
            tab = "a	b"
            empty = ""
            unicode = "ключ 😀"
            """#)
        XCTAssertEqual(config["s"], .string("quote \" backslash \\ b\u{08} t\t n\n f\u{0C} r\r"))
        XCTAssertEqual(config["u"], .string("é😀A"))
        XCTAssertEqual(config["tab"], .string("a\tb"))
        XCTAssertEqual(config["empty"], .string(""))
        XCTAssertEqual(config["unicode"], .string("ключ 😀"))
    }

    func testLiteralStrings() throws {
        let config = try parse(#"""
            path = 'C:\Users\nodejs\templates'
            quoted = '<\i\c*\s*>"'
            empty = ''
            """#)
        XCTAssertEqual(config["path"], .string(#"C:\Users\nodejs\templates"#))
        XCTAssertEqual(config["quoted"], .string(#"<\i\c*\s*>""#))
        XCTAssertEqual(config["empty"], .string(""))
    }

    func testMultilineBasicStrings() throws {
        let config = try parse(#"""
            a = """
            Roses are red
            Violets are blue"""
            b = """one "quoted" two"""
            c = """\
                The quick \
                brown \

                fox."""
            d = """x""""
            e = """x"""""
            f = """tab\there \u0041"""
            g = """"""
            """#)
        XCTAssertEqual(config["a"], .string("Roses are red\nViolets are blue"))
        XCTAssertEqual(config["b"], .string(#"one "quoted" two"#))
        XCTAssertEqual(config["c"], .string("The quick brown fox."))
        XCTAssertEqual(config["d"], .string(#"x""#))
        XCTAssertEqual(config["e"], .string(#"x"""#))
        XCTAssertEqual(config["f"], .string("tab\there A"))
        XCTAssertEqual(config["g"], .string(""))
        XCTAssertEqual(config.position(of: "c"), SourcePosition(line: 5, column: 5))
    }

    func testMultilineLiteralStrings() throws {
        let config = try parse(#"""
            regex = '''I [dw]on't need \d{2} apples'''
            lines = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace \
               is preserved.
            '''
            quotes = ''''That's it,' she said.''''
            """#)
        XCTAssertEqual(config["regex"], .string(#"I [dw]on't need \d{2} apples"#))
        XCTAssertEqual(config["lines"], .string(
            "The first newline is\ntrimmed in raw strings.\n   All other whitespace \\\n   is preserved.\n"))
        XCTAssertEqual(config["quotes"], .string("'That's it,' she said.'"))
    }

    // MARK: Numbers and booleans

    func testIntegers() throws {
        let config = try parse("""
            a = 99
            b = +42
            c = 0
            d = -17
            e = 1_000_000
            f = 5_3_4
            g = 0xDEADbeef
            h = 0xdead_beef
            i = 0o755
            j = 0b1101_0110
            max = 9223372036854775807
            min = -9223372036854775808
            hexmax = 0x7FFFFFFFFFFFFFFF
            zero = -0
            """)
        XCTAssertEqual(config["a"], .integer(99))
        XCTAssertEqual(config["b"], .integer(42))
        XCTAssertEqual(config["c"], .integer(0))
        XCTAssertEqual(config["d"], .integer(-17))
        XCTAssertEqual(config["e"], .integer(1_000_000))
        XCTAssertEqual(config["f"], .integer(534))
        XCTAssertEqual(config["g"], .integer(0xDEADBEEF))
        XCTAssertEqual(config["h"], .integer(0xDEADBEEF))
        XCTAssertEqual(config["i"], .integer(0o755))
        XCTAssertEqual(config["j"], .integer(0b1101_0110))
        XCTAssertEqual(config["max"], .integer(Int64.max))
        XCTAssertEqual(config["min"], .integer(Int64.min))
        XCTAssertEqual(config["hexmax"], .integer(Int64.max))
        XCTAssertEqual(config["zero"], .integer(0))
    }

    func testFloats() throws {
        let config = try parse("""
            a = 1.0
            b = 3.1415
            c = -0.01
            d = 5e+22
            e = 1e06
            f = -2E-2
            g = 6.626e-34
            h = 224_617.445_991
            i = 0.5
            j = +1.5
            k = 0e0
            """)
        XCTAssertEqual(config["a"], .float(1.0))
        XCTAssertEqual(config["b"], .float(3.1415))
        XCTAssertEqual(config["c"], .float(-0.01))
        XCTAssertEqual(config["d"], .float(5e22))
        XCTAssertEqual(config["e"], .float(1e6))
        XCTAssertEqual(config["f"], .float(-0.02))
        XCTAssertEqual(config["g"], .float(6.626e-34))
        XCTAssertEqual(config["h"], .float(224_617.445_991))
        XCTAssertEqual(config["i"], .float(0.5))
        XCTAssertEqual(config["j"], .float(1.5))
        XCTAssertEqual(config["k"], .float(0))
    }

    func testSpecialFloats() throws {
        let config = try parse("a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan\n")
        XCTAssertEqual(config["a"], .float(.infinity))
        XCTAssertEqual(config["b"], .float(.infinity))
        XCTAssertEqual(config["c"], .float(-.infinity))
        for key in ["d", "e", "f"] {
            guard case .float(let value)? = config[key] else { return XCTFail("\(key) is not a float") }
            XCTAssertTrue(value.isNaN, key)
        }
    }

    func testBooleans() throws {
        let config = try parse("yes = true\nno = false\n")
        XCTAssertEqual(config["yes"], .boolean(true))
        XCTAssertEqual(config["no"], .boolean(false))
    }

    // MARK: Arrays and inline tables

    func testArrays() throws {
        let config = try parse("""
            empty = [ ]
            ints = [1, 2, 3]
            mixed = [1, "two", 3.0, true, [4], { five = 5 }]
            nested = [[1, 2], ['a', "b"], []]
            multi = [
              "first",  # comment after an element
              # a comment line
              "second",
            ]
            trailing = [1,2,]
            tight=[1,2]
            """)
        XCTAssertEqual(config["empty"], .array([]))
        XCTAssertEqual(config["ints"], .array([.integer(1), .integer(2), .integer(3)]))
        XCTAssertEqual(config["mixed"], .array([
            .integer(1), .string("two"), .float(3), .boolean(true), .array([.integer(4)]),
            .table(table(["five": .integer(5)])),
        ]))
        XCTAssertEqual(config["nested"], .array([
            .array([.integer(1), .integer(2)]), .array([.string("a"), .string("b")]), .array([]),
        ]))
        XCTAssertEqual(config["multi"], .array([.string("first"), .string("second")]))
        XCTAssertEqual(config["trailing"], .array([.integer(1), .integer(2)]))
        XCTAssertEqual(config["tight"], .array([.integer(1), .integer(2)]))
    }

    func testInlineTables() throws {
        let config = try parse("""
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            nested = { a = 1, b.c = "x", b.d = { e = [1, 2] } }
            empty = {}
            list = [ { a = 1 }, { a = 2 } ]
            """)
        XCTAssertEqual(config["name"], .table(table(["first": .string("Tom"), "last": .string("Preston-Werner")])))
        XCTAssertEqual(config["point"], .table(table(["x": .integer(1), "y": .integer(2)])))
        XCTAssertEqual(config["nested"], .table(table([
            "a": .integer(1),
            "b": .table(table([
                "c": .string("x"),
                "d": .table(table(["e": .array([.integer(1), .integer(2)])])),
            ])),
        ])))
        XCTAssertEqual(config["empty"], .table(TOMLTable()))
        XCTAssertEqual(config["list"], .array([
            .table(table(["a": .integer(1)])), .table(table(["a": .integer(2)])),
        ]))
        guard case .table(let name)? = config["name"] else { return XCTFail("name is not a table") }
        XCTAssertEqual(name.keys, ["first", "last"])
        XCTAssertEqual(name.position(of: "last"), SourcePosition(line: 1, column: 32))
    }

    // MARK: Flattening and positions

    func testFlattenedNestedTablesDottedKeysAndInlineTables() throws {
        let text = """
            a.x = 1
            b = 2
            a.y = 3
            inline = { p = 1, q.r = [2] }
            "odd key".v = 4
            [tls]
            certificate = "c"
            [tls.client]
            key = "k"
            [empty]
            """
        XCTAssertEqual(try flat(text), [
            "a.x@1:7", "b@2:5", "a.y@3:7", "inline.p@4:16", "inline.q.r@4:25",
            "\"odd key\".v@5:15", "tls.certificate@7:15", "tls.client.key@9:7",
        ])
        let entries = try parse(text).flattened()
        XCTAssertEqual(entries[4].value, .array([.integer(2)]))
        XCTAssertFalse(entries.contains { if case .table = $0.value { return true } else { return false } })
    }

    func testKeyOrderAndPositions() throws {
        let config = try parse("z = 1\na = 2\n  m   =   \"x\"\n")
        XCTAssertEqual(config.keys, ["z", "a", "m"])
        XCTAssertEqual(config.position(of: "z"), SourcePosition(line: 1, column: 5))
        XCTAssertEqual(config.position(of: "m"), SourcePosition(line: 3, column: 11))
        XCTAssertNil(config.position(of: "missing"))
        XCTAssertNil(config["missing"])
    }

    func testColumnsCountUnicodeScalars() {
        assertError("\"ключ\" = \"значение\" x", "test.conf:1:21: expected end of line after value, found 'x'")
        assertError("a = \"😀\" x", "test.conf:1:9: expected end of line after value, found 'x'")
    }

    func testEqualityIgnoresLayout() throws {
        XCTAssertEqual(try parse("a = 1\nb = 2"), try parse("b   = 2\n\n\na = 1 # c"))
        XCTAssertEqual(try parse("[t]\nx = 1"), try parse("t = { x = 1 }"))
        XCTAssertNotEqual(try parse("a = 1"), try parse("a = 2"))
    }

    func testTypeNames() {
        XCTAssertEqual(TOMLValue.string("").typeName, "string")
        XCTAssertEqual(TOMLValue.integer(0).typeName, "integer")
        XCTAssertEqual(TOMLValue.float(0).typeName, "float")
        XCTAssertEqual(TOMLValue.boolean(true).typeName, "boolean")
        XCTAssertEqual(TOMLValue.array([]).typeName, "array")
        XCTAssertEqual(TOMLValue.table(TOMLTable()).typeName, "table")
    }

    func testErrorDescription() {
        let positioned = ConfigError(file: "a.conf", position: SourcePosition(line: 3, column: 9), message: "boom")
        XCTAssertEqual(positioned.description, "a.conf:3:9: boom")
        XCTAssertEqual(ConfigError(file: "a.conf", position: nil, message: "boom").description, "a.conf: boom")
    }

    // MARK: Errors: values

    func testErrorExpectedValue() {
        do {
            _ = try TOMLParser.parse("# x\nplugin = \"kafka\"\nenabled == true\n", file: "50-kafka.conf")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, ConfigError(
                file: "50-kafka.conf", position: SourcePosition(line: 3, column: 10),
                message: "expected a value, found '='"))
        }
        assertError("a = 1\nb = 2\nplugin == \"kafka\"", "test.conf:3:9: expected a value, found '='")
        assertError("a =", "test.conf:1:4: expected a value, found end of file")
        assertError("a =   # comment", "test.conf:1:7: expected a value, found '#'")
        assertError("a = \nb = 1", "test.conf:1:5: expected a value, found end of line")
        assertError("plugin = kafka", "test.conf:1:10: expected a value, found 'kafka' (strings must be quoted)")
        assertError("a = True", "test.conf:1:5: expected a value, found 'True' (strings must be quoted)")
        assertError("a = .5", "test.conf:1:5: expected a value, found '.5'")
        assertError("a = @", "test.conf:1:5: expected a value, found '@'")
    }

    func testErrorExpectedEndOfLine() {
        assertError("a = 1 b = 2", "test.conf:1:7: expected end of line after value, found 'b'")
        assertError("a = \"x\" \"y\"", "test.conf:1:9: expected end of line after value, found '\"'")
        assertError("a = [1],", "test.conf:1:8: expected end of line after value, found ','")
        assertError("a = truex", "test.conf:1:5: expected a value, found 'truex' (strings must be quoted)")
        assertError("[t] x = 1", "test.conf:1:5: expected end of line after table header, found 'x'")
        assertError("a = \"\"\"x\"\"\"\"\"\"", "test.conf:1:14: expected end of line after value, found '\"'")
    }

    func testErrorStrings() {
        assertError("a = \"abc", "test.conf:1:5: unterminated string")
        assertError("a = \"abc\nb = 1", "test.conf:1:5: unterminated string")
        assertError("a = 'abc", "test.conf:1:5: unterminated string")
        assertError("a = 'abc\n'", "test.conf:1:5: unterminated string")
        assertError("a = 1\nb = \"\"\"abc\n\nc = 1", "test.conf:2:5: unterminated string")
        assertError("a = '''abc''", "test.conf:1:5: unterminated string")
        assertError("a = \"abc\\", "test.conf:1:5: unterminated string")
        assertError("\"key = 1", "test.conf:1:1: unterminated string")
    }

    func testErrorEscapes() {
        assertError(#"a = "x\qy""#, #"test.conf:1:7: invalid escape '\q'"#)
        assertError(#"a = "\e""#, #"test.conf:1:6: invalid escape '\e'"#)
        assertError(#"a = "\x41""#, #"test.conf:1:6: invalid escape '\x'"#)
        assertError(#"a = "\ ""#, #"test.conf:1:6: invalid escape '\ '"#)
        assertError(#"a = """\ x""""#, #"test.conf:1:8: invalid escape '\ '"#)
        assertError("a = \"\\\nx\"", #"test.conf:1:6: invalid escape '\' at end of line"#)
        assertError(#"a = "\u12""#,
                    #"test.conf:1:6: invalid escape '\u12': \u needs exactly 4 hexadecimal digits"#)
        assertError(#"a = "\U0001F60""#,
                    #"test.conf:1:6: invalid escape '\U0001F60': \U needs exactly 8 hexadecimal digits"#)
        assertError(#"a = "\uD800""#, #"test.conf:1:6: invalid escape '\uD800': not a Unicode scalar value"#)
        assertError(#"a = "ok \uDFFF""#, #"test.conf:1:9: invalid escape '\uDFFF': not a Unicode scalar value"#)
        assertError(#"a = "\U00110000""#,
                    #"test.conf:1:6: invalid escape '\U00110000': not a Unicode scalar value"#)
    }

    func testErrorControlCharacters() {
        assertError("a = \"x\u{01}\"", "test.conf:1:7: control character U+0001 is not allowed in a string")
        assertError("a = 'x\u{7F}'", "test.conf:1:7: control character U+007F is not allowed in a string")
        assertError("a = \"\"\"\n\u{00}\"\"\"", "test.conf:2:1: control character U+0000 is not allowed in a string")
        assertError("a = \"x\ry\"", "test.conf:1:7: control character U+000D is not allowed in a string")
        assertError("a = 1 # bell\u{07}", "test.conf:1:13: control character U+0007 is not allowed in a comment")
        assertError("a = 1\rb = 2", "test.conf:1:6: expected end of line after value, found a carriage return")
        assertError("\r", "test.conf:1:1: carriage return must be followed by a line feed")
    }

    func testErrorIntegers() {
        assertError("a = 9223372036854775808", "test.conf:1:5: integer out of range")
        assertError("a = -9223372036854775809", "test.conf:1:5: integer out of range")
        assertError("a = 99999999999999999999999", "test.conf:1:5: integer out of range")
        assertError("a = 0x8000000000000000", "test.conf:1:5: integer out of range")
        assertError("a = 012", "test.conf:1:5: leading zeros are not allowed")
        assertError("a = -01", "test.conf:1:6: leading zeros are not allowed")
        assertError("a = 0_0", "test.conf:1:5: leading zeros are not allowed")
        assertError("a = 1__2", "test.conf:1:6: '_' must be between digits")
        assertError("a = 1_", "test.conf:1:6: '_' must be between digits")
        assertError("a = 0x_1", "test.conf:1:7: expected a hexadecimal digit after '0x', found '_'")
        assertError("a = 0x", "test.conf:1:7: expected a hexadecimal digit after '0x', found end of file")
        assertError("a = 0xG1", "test.conf:1:7: expected a hexadecimal digit after '0x', found 'G'")
        assertError("a = 0o8", "test.conf:1:7: expected a digit after '0o', found '8'")
        assertError("a = 0b102", "test.conf:1:9: invalid character '2' in binary integer")
        assertError("a = +0x10", "test.conf:1:5: a sign is not allowed on hexadecimal integers")
        assertError("a = 12a", "test.conf:1:7: invalid character 'a' in number")
        assertError("a = 0X10", "test.conf:1:6: invalid character 'X' in number")
    }

    func testErrorFloats() {
        assertError("a = 1.", "test.conf:1:7: expected a digit after '.', found end of file")
        assertError("a = [1.]", "test.conf:1:8: expected a digit after '.', found ']'")
        assertError("a = 1.e5", "test.conf:1:7: expected a digit after '.', found 'e'")
        assertError("a = 1e", "test.conf:1:7: expected a digit in exponent, found end of file")
        assertError("a = 1e+", "test.conf:1:8: expected a digit in exponent, found end of file")
        assertError("a = 1.2.3", "test.conf:1:8: invalid character '.' in number")
        assertError("a = 1._5", "test.conf:1:7: expected a digit after '.', found '_'")
        assertError("a = 03.14", "test.conf:1:5: leading zeros are not allowed")
        assertError("a = 1e400", "test.conf:1:5: float out of range")
        assertError("a = -infinity", "test.conf:1:5: expected a value, found '-infinity'")
    }

    func testErrorDatesAndTimes() {
        assertError("d = 1979-05-27", "test.conf:1:5: dates and times are not supported")
        assertError("d = 1979-05-27T07:32:00Z", "test.conf:1:5: dates and times are not supported")
        assertError("d = 1979-05-27 07:32:00", "test.conf:1:5: dates and times are not supported")
        assertError("t = 07:32:00", "test.conf:1:5: dates and times are not supported")
        assertError("a = [1, 2024-01-01]", "test.conf:1:9: dates and times are not supported")
    }

    // MARK: Errors: keys and tables

    func testErrorKeys() {
        assertError("name \"x\"", "test.conf:1:6: expected '=' after key, found '\"'")
        assertError("name\n", "test.conf:1:5: expected '=' after key, found end of line")
        assertError("name", "test.conf:1:5: expected '=' after key, found end of file")
        assertError("a.b c = 1", "test.conf:1:5: expected '=' after key, found 'c'")
        assertError("= 1", "test.conf:1:1: expected a key, found '='")
        assertError("a. = 1", "test.conf:1:4: expected a key, found '='")
        assertError("a..b = 1", "test.conf:1:3: expected a key, found '.'")
        assertError("ä = 1", "test.conf:1:1: expected a key, found 'ä'")
        assertError("\"\"\"k\"\"\" = 1", "test.conf:1:1: multi-line strings cannot be used as keys")
    }

    func testErrorDuplicateKeys() {
        assertError("a = 1\nb = 2\na = 3", "test.conf:3:1: duplicate key 'a' (first defined at line 1)")
        assertError("[t]\nx = 1\n\nx = 2", "test.conf:4:1: duplicate key 'x' (first defined at line 2)")
        assertError("a.b = 1\na.b = 2", "test.conf:2:1: duplicate key 'a.b' (first defined at line 1)")
        assertError("a.b = 1\na = 2", "test.conf:2:1: duplicate key 'a' (first defined at line 1)")
        assertError("\"a\" = 1\na = 2", "test.conf:2:1: duplicate key 'a' (first defined at line 1)")
        assertError("a = 1\na.b = 2",
                    "test.conf:2:1: cannot use 'a' as a table: it is already an integer (defined at line 1)")
        assertError("p = { x = 1, x = 2 }", "test.conf:1:14: duplicate key 'x' (first defined at line 1)")
        assertError("[t]\nsub = 1\n[t.sub]",
                    "test.conf:3:1: cannot define table [t.sub]: 't.sub' is already an integer (defined at line 2)")
    }

    func testErrorDuplicateTables() {
        assertError("[a]\nx = 1\n[b]\n[a]", "test.conf:4:1: duplicate table [a] (first defined at line 1)")
        assertError("[a.b]\n[a]\n[a]", "test.conf:3:1: duplicate table [a] (first defined at line 2)")
        assertError("[a]\n[b]\n[ a ]", "test.conf:3:1: duplicate table [a] (first defined at line 1)")
        assertError("[\"a\".'b']\n[a.b]", "test.conf:2:1: duplicate table [a.b] (first defined at line 1)")
        assertError("a = 1\n[a]", "test.conf:2:1: cannot define table [a]: 'a' is already an integer (defined at line 1)")
        assertError("a = [1]\n[a.b]",
                    "test.conf:2:1: cannot define table [a.b]: 'a' is already an array (defined at line 1)")
        assertError("[fruit]\napple.color = 'red'\n[fruit.apple]",
                    "test.conf:3:1: cannot define table [fruit.apple]: it was already created by dotted keys at line 2")
        assertError("[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
                    "test.conf:4:1: cannot add keys to table 'b' with dotted keys: it was created by a table header at line 1")
        assertError("a = { x = 1 }\n[a]", "test.conf:2:1: cannot extend inline table 'a' (defined at line 1)")
        assertError("a = { x = 1 }\n[a.b]", "test.conf:2:1: cannot extend inline table 'a' (defined at line 1)")
        assertError("a = { x = 1 }\na.y = 2", "test.conf:2:1: cannot extend inline table 'a' (defined at line 1)")
    }

    func testErrorTableHeaders() {
        assertError("[[plugins]]\nname = 'x'", "test.conf:1:1: arrays of tables are not supported ('[[...]]')")
        assertError("a = 1\n  [[x]]", "test.conf:2:3: arrays of tables are not supported ('[[...]]')")
        assertError("[]", "test.conf:1:2: expected a table name, found ']'")
        assertError("[a", "test.conf:1:3: expected ']' after table name, found end of file")
        assertError("[a b]", "test.conf:1:4: expected ']' after table name, found 'b'")
        assertError("[a.]", "test.conf:1:4: expected a table name, found ']'")
    }

    // MARK: Errors: arrays and inline tables

    func testErrorArrays() {
        assertError("a = [1 2]", "test.conf:1:8: expected ',' or ']' in array, found '2'")
        assertError("a = [1,,2]", "test.conf:1:8: expected a value, found ','")
        assertError("a = [,]", "test.conf:1:6: expected a value, found ','")
        assertError("a = [\n  1,\n  2\n", "test.conf:1:5: unterminated array")
        assertError("a = [1, # c\n  = ]", "test.conf:2:3: expected a value, found '='")
    }

    func testErrorInlineTables() {
        assertError("a = { x = 1, }", "test.conf:1:12: trailing comma is not allowed in an inline table")
        assertError("a = { x = 1\n}", "test.conf:1:12: inline tables must be on a single line")
        assertError("a = {\nx = 1 }", "test.conf:1:6: inline tables must be on a single line")
        assertError("a = { x = 1,\ny = 2 }", "test.conf:1:13: inline tables must be on a single line")
        assertError("a = { x = 1", "test.conf:1:5: unterminated inline table")
        assertError("a = { x = 1 y = 2 }", "test.conf:1:13: expected ',' or '}' in inline table, found 'y'")
        assertError("a = { x }", "test.conf:1:9: expected '=' after key, found '}'")
        assertError("a = { x = 1 # c }", "test.conf:1:13: expected ',' or '}' in inline table, found '#'")
    }

    // MARK: Limits

    func testSizeLimit() throws {
        let limit = TOMLParser.maximumInputBytes
        XCTAssertEqual(limit, 1_048_576)
        let justFits = String(repeating: "#", count: limit - 1) + "\n"
        XCTAssertEqual(try parse(justFits).keys, [])
        let tooBig = String(repeating: "#", count: limit) + "\n"
        XCTAssertThrowsError(try parse(tooBig)) { error in
            let error = error as? ConfigError
            XCTAssertEqual(error?.file, "test.conf")
            XCTAssertNil(error?.position)
            XCTAssertEqual(error?.description, "test.conf: file is too large (1048577 bytes; the limit is 1 MiB)")
        }
    }

    func testNestingLimitForArrays() throws {
        // `a` sits in the root table, so its array is level 1: 32 brackets are the maximum.
        let ok = "a = " + String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        XCTAssertNoThrow(try parse(ok))
        let deep = "a = " + String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        assertError(deep, "test.conf:1:37: nesting deeper than 32 levels is not allowed")
        let hostile = "a = " + String(repeating: "[", count: 100_000)
        assertError(hostile, "test.conf:1:37: nesting deeper than 32 levels is not allowed")
    }

    func testNestingLimitForInlineTablesAndKeys() throws {
        let inline = "a = " + String(repeating: "{ b = ", count: 33) + "1" + String(repeating: " }", count: 33)
        // The 33rd `{` is preceded by "a = " and 32 copies of "{ b = " (6 scalars each).
        assertError(inline, "test.conf:1:\(4 + 32 * 6 + 1): nesting deeper than 32 levels is not allowed")

        let path32 = (1...32).map { "k\($0)" }.joined(separator: ".")
        XCTAssertNoThrow(try parse("[\(path32)]\nx = 1"))
        XCTAssertNoThrow(try parse("\(path32) = 1"))
        assertError("[\(path32).k33]", "test.conf:1:\(path32.count + 3): nesting deeper than 32 levels is not allowed")
        // Dotted keys k1...k32 create 32 tables; the value itself is not a table.
        XCTAssertNoThrow(try parse("\(path32).k33 = 1"))
        assertError("\(path32).k33.k34 = 1",
                    "test.conf:1:\(path32.count + 2): nesting deeper than 32 levels is not allowed")
        // A table at level 32 may hold scalars but not another array.
        assertError("[\(path32)]\nx = []", "test.conf:2:5: nesting deeper than 32 levels is not allowed")
    }
}

import CoAPCodec
import Foundation
import TestSupport
import XCTest

/// The coap plugin end to end: libcoap's coap-client and crafted datagrams against the real host.
final class CoAPDeviceEndpointTests: XCTestCase {
    private func post(_ host: CoAPTestHost, _ user: String, _ password: String, path: String = "/v1/telemetry") throws -> Fixtures.Output {
        try host.client(["-m", "post", "-t", "50", "-e", "{\"t\":1}", "-O", "4209,\(CoAPTestHost.basic(user, password))", host.url(path)])
    }

    func testAcceptedEventsAndTheirCredentials() throws {
        let host = try CoAPTestHost()
        XCTAssertEqual(try post(host, "device-1@app", "secret").status, 0)
        XCTAssertEqual(try post(host, "device-1", "secret", path: "/v1/telemetry?application=app").status, 0)
        XCTAssertEqual(try post(host, "u", "upass", path: "/v1/telemetry?application=app&device=user-device").status, 0)
        // Drogue's form: the whole query in one Uri-Query option.
        let drogue = CoAPTestHost.post(7, query: ["application=app&device=user-device"], credentials: CoAPTestHost.basic("u", "upass"))
        XCTAssertEqual(try host.exchange([drogue]).map(\.code), [.changed])
        XCTAssertTrue(host.waitForEvents(4))
        let event = try XCTUnwrap(host.events.first)
        XCTAssertEqual(event["application"] as? String, "app")
        XCTAssertEqual(event["device"] as? String, "device-1")
        XCTAssertEqual(event["subject"] as? String, "telemetry")
        XCTAssertEqual(event["datacontenttype"] as? String, "application/json")
        XCTAssertEqual(host.events.filter { $0["device"] as? String == "user-device" }.count, 2)
    }

    func testRefusals() throws {
        let host = try CoAPTestHost()
        let wrong = try post(host, "device-1@app", "nope")
        XCTAssertTrue(wrong.output.contains("4.01"), wrong.output)
        XCTAssertTrue(try post(host, "nobody@app", "secret").output.contains("4.01"), "unknown device")
        XCTAssertTrue(try post(host, "disabled@app", "secret").output.contains("4.03"), "disabled device")
        XCTAssertTrue(try post(host, "gw@app", "gwpass", path: "/v1/telemetry?as=lonely").output.contains("4.03"), "gateway not named")
        XCTAssertEqual(try post(host, "gw@app", "gwpass", path: "/v1/telemetry?as=sensor").status, 0)
        XCTAssertTrue(try post(host, "device-1@app", "secret", path: "/v1/telemetry/extra").output.contains("4.04"), "extra segment")
        XCTAssertTrue(try post(host, "device-1@app", "secret", path: "/v2/telemetry").output.contains("4.00"), "not /v1")
        XCTAssertTrue(try host.client(["-m", "get", host.url("/v1/telemetry")]).output.contains("4.05"), "GET")
        XCTAssertTrue(try host.client(["-m", "post", "-e", "x", host.url("/v1/telemetry")]).output.contains("4.01"), "no credentials")
        var unknownFormat = try CoAPDecoder.decode(CoAPTestHost.post(5))
        unknownFormat.set(CoAPOption(.contentFormat, uint: 9999))
        XCTAssertEqual(try host.exchange([CoAPEncoder.encode(unknownFormat)]).map(\.code), [.unsupportedContentFormat])
        let notJSON = try host.client(["-m", "post", "-t", "50", "-e", "{nope", "-O", "4209,\(CoAPTestHost.basic("device-1@app", "secret"))",
                                       host.url("/v1/telemetry")])
        XCTAssertTrue(notJSON.output.contains("4.06"), notJSON.output)
        let unknownCritical = CoAPEncoder.encode(CoAPMessage(type: .confirmable, code: .post, messageID: 3, token: [1],
                                                             options: [CoAPOption(.uriPath, string: "v1"), CoAPOption(CoAPOptionNumber(9), [1])]))
        XCTAssertEqual(try host.exchange([unknownCritical]).map(\.code), [.badOption])
        XCTAssertTrue(host.waitForEvents(1))
        XCTAssertEqual(host.events.map { $0["device"] as? String }, ["sensor"])
    }

    /// A retransmitted CON (same message ID) gets the same answer and is published once; a NON
    /// is answered with a NON.
    func testDeduplicationAndNonConfirmable() throws {
        let host = try CoAPTestHost()
        let request = CoAPTestHost.post(0x1234)
        let answers = try host.exchange([request, request, request])
        XCTAssertEqual(answers.count, 3)
        XCTAssertTrue(answers.allSatisfy { $0 == answers[0] })
        XCTAssertEqual(answers[0].type, .acknowledgement)
        XCTAssertEqual(answers[0].messageID, 0x1234)
        XCTAssertEqual(answers[0].token, [0xAA, 0x34])
        XCTAssertEqual(answers[0].code, .changed)

        let non = try host.exchange([CoAPTestHost.post(0x2222, type: .nonConfirmable)])
        XCTAssertEqual(non.map(\.type), [.nonConfirmable])
        XCTAssertEqual(non.map(\.code), [.changed])
        XCTAssertTrue(host.waitForEvents(2))
        XCTAssertTrue(host.base.waitUntilEveryPublishEnded())
        XCTAssertEqual(host.events.count, 2, "one event for the three copies, one for the NON")
    }

    /// Malformed datagrams: a CON is rejected with a Reset carrying its message ID, the rest is
    /// ignored, and another peer keeps being served meanwhile.
    func testMalformedDatagrams() throws {
        let host = try CoAPTestHost()
        let answers = try host.exchange([
            [0x40, 0x02],                                   // truncated header: nothing to answer
            [0x49, 0x02, 0x00, 0x11] + [UInt8](repeating: 0, count: 9),  // token length 9
            [0x40, 0x02, 0x00, 0x12, 0xF0],                 // option delta 15
            [0x40, 0x02, 0x00, 0x13, 0xB2, 0x76, 0x31, 0xFF], // payload marker, no payload
            [0x50, 0x02, 0x00, 0x14, 0xF0],                 // NON with delta 15: ignored
            [0x40, 0x00, 0x00, 0x15],                       // CoAP ping
        ] + (10...15).map { length in                       // token lengths 10 to 15, reserved
            [0x40 | UInt8(length), 0x02, 0x00, 0x20 + UInt8(length)] + [UInt8](repeating: 0, count: 15)
        })
        XCTAssertEqual(answers.map(\.type), [CoAPMessageType](repeating: .reset, count: 10))
        XCTAssertEqual(answers.map(\.messageID), [0x11, 0x12, 0x13, 0x15] + (10...15).map { 0x20 + UInt16($0) })
        XCTAssertEqual(try post(host, "device-1@app", "secret").status, 0)
    }

    /// A 10 KiB upload in 1 KiB Block1 blocks becomes one event; a block out of sequence is 4.08;
    /// a body over max_body_bytes is 4.13 with Size1.
    func testBlockwiseUpload() throws {
        let host = try CoAPTestHost(coap: "max_body_bytes = 16384")
        let body = (0..<10240).map { _ in UInt8.random(in: 0...255) }
        let file = host.base.directory + "/upload"
        try Data(body).write(to: URL(fileURLWithPath: file))
        let upload = try host.client(["-m", "post", "-b", "1024", "-f", file, "-O", "4209,\(CoAPTestHost.basic("device-1@app", "secret"))",
                                      host.url("/v1/upload")])
        XCTAssertEqual(upload.status, 0, upload.output)
        XCTAssertTrue(host.waitForEvents(1))
        let event = try XCTUnwrap(host.events.first)
        XCTAssertEqual((event["data_base64"] as? String).flatMap { Data(base64Encoded: $0) }, Data(body))

        var gap = CoAPMessage(type: .confirmable, code: .post, messageID: 40, token: [4],
                              options: [CoAPOption(.uriPath, string: "v1"), CoAPOption(.uriPath, string: "gap"),
                                        CoAPBlock(number: 3, more: true, sizeExponent: 2).option(.block1)],
                              payload: [UInt8](repeating: 1, count: 64))
        XCTAssertEqual(try host.exchange([CoAPEncoder.encode(gap)]).map(\.code), [.requestEntityIncomplete])
        gap.options = [CoAPOption(.uriPath, string: "v1"), CoAPOption(.uriPath, string: "big"), CoAPOption(.authorization, string: "x")]
        gap.payload = [UInt8](repeating: 1, count: 20_000)
        gap.messageID = 41
        let tooLarge = try host.exchange([CoAPEncoder.encode(gap)])
        XCTAssertEqual(tooLarge.map(\.code), [.requestEntityTooLarge])
        XCTAssertEqual(tooLarge.first?.first(.size1)?.uintValue, 16384)
    }

    /// Sinks slower than ack_delay_ms: an empty ACK first, then the response as a CON of its own,
    /// which coap-client acknowledges and accepts.
    func testSeparateResponseWhenTheSinkIsSlow() throws {
        let host = try CoAPTestHost(sink: "delay_ms = 700", coap: "ack_delay_ms = 200")
        let answers = try host.exchange([CoAPTestHost.post(0x0300)], seconds: 1.5)
        XCTAssertEqual(answers.first, .emptyAcknowledgement(0x0300))
        let separate = try XCTUnwrap(answers.dropFirst().first)
        XCTAssertEqual(separate.type, .confirmable)
        XCTAssertEqual(separate.code, .changed)
        XCTAssertEqual(separate.token, [0xAA, 0x00])
        XCTAssertEqual(answers.count, 2, "the resend of the unacknowledged CON waits ACK_TIMEOUT (2-3 s)")
        XCTAssertEqual(try post(host, "device-1@app", "secret").status, 0, "coap-client takes a separate response")
    }

    /// One source address past `peer_rate` gets 5.03 with Max-Age, at once and for nothing.
    func testPeerRateLimit() throws {
        let host = try CoAPTestHost(coap: "peer_rate = 5")
        // Sent back to back: the bucket refills 5 a second, nothing to speak of meanwhile.
        let answers = try host.exchange((0..<10).map { CoAPTestHost.post(0x0600 + UInt16($0)) }, spacing: 0)
        let accepted = answers.filter { $0.code == .changed }.count
        XCTAssertTrue((5...6).contains(accepted), "the burst, one second's worth: \(accepted)")
        let refused = answers.filter { $0.code == .serviceUnavailable }
        XCTAssertEqual(refused.count, 10 - accepted)
        XCTAssertTrue(refused.allSatisfy { $0.first(.maxAge)?.uintValue == 1 && $0.type == .acknowledgement })
    }

    func testBusySinkAnswers503WithMaxAge() throws {
        let host = try CoAPTestHost(sink: "outcome = \"busy-sync\"")
        let answers = try host.exchange([CoAPTestHost.post(0x0400)])
        XCTAssertEqual(answers.map(\.code), [.serviceUnavailable])
        XCTAssertEqual(answers.first?.first(.maxAge)?.uintValue, 1)
    }
}

/// Commands through `ct`: the command API's command reaches a device waiting after its publish,
/// piggybacked when it comes before the ACK delay, separately after it.
final class CoAPCommandTests: XCTestCase {
    private func waitWithCommand(_ host: CoAPTestHost, commandAfter delay: Double) throws -> Fixtures.Output {
        let client = try BackgroundProcess(CoAPTestHost.client, [
            "-B", "20", "-m", "post", "-e", "x", "-O", "4209,\(CoAPTestHost.basic("device-1@app", "secret"))",
            host.url("/v1/telemetry?ct=10"),
        ])
        XCTAssertTrue(host.waitForEvents(1))
        Thread.sleep(forTimeInterval: delay)
        // The route exists once the event was taken; a command before it would find none (503).
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { (try? host.sendCommand("set-led", to: "device-1", payload: "on")) == 202 })
        return client.wait(seconds: 20)
    }

    func testCommandBeforeTheAckDelayIsPiggybacked() throws {
        let host = try CoAPTestHost(coap: "ack_delay_ms = 3000", commands: true)
        let result = try waitWithCommand(host, commandAfter: 0)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("on"), result.output)
    }

    func testCommandAfterTheAckDelayComesSeparately() throws {
        let host = try CoAPTestHost(coap: "ack_delay_ms = 200", commands: true)
        let result = try waitWithCommand(host, commandAfter: 0.5)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("on"), result.output)
    }

    /// A command over one block (1024 bytes) goes out block by block (Block2); coap-client fetches
    /// the rest by repeating its request, which is not published again.
    func testLargeCommandInBlocks() throws {
        let host = try CoAPTestHost(coap: "ack_delay_ms = 3000", commands: true)
        let payload = String((0..<3000).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let client = try BackgroundProcess(CoAPTestHost.client, [
            "-B", "20", "-m", "post", "-e", "x", "-O", "4209,\(CoAPTestHost.basic("device-1@app", "secret"))",
            host.url("/v1/telemetry?ct=10"),
        ])
        XCTAssertTrue(host.waitForEvents(1))
        let sender = try host.startSendingCommand("firmware", to: "device-1", payload: payload)
        let result = client.wait(seconds: 20)
        XCTAssertEqual(sender.wait(seconds: 10).status, 0)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains(payload), "the whole payload, \(result.output.count) bytes printed")
        XCTAssertTrue(host.base.waitUntilEveryPublishEnded())
        XCTAssertEqual(host.events.count, 1, "the continuations were not published")

        // On the wire: the first block, 1024 bytes, more to come, the whole size in Size2.
        let sender2 = try host.startSendingCommand("firmware", to: "device-1", payload: payload)
        let first = try XCTUnwrap(host.exchange([CoAPTestHost.post(0x0700, query: ["ct=5"])], seconds: 4).first)
        XCTAssertEqual(sender2.wait(seconds: 10).status, 0)
        XCTAssertEqual(first.code, .content)
        XCTAssertEqual(first.block2, CoAPBlock(number: 0, more: true, sizeExponent: 6))
        XCTAssertEqual(first.first(.size2)?.uintValue, 3000)
        XCTAssertEqual(first.payload, Array(payload.utf8.prefix(1024)))
    }

    func testCommandNameInOption4210() throws {
        let host = try CoAPTestHost(coap: "ack_delay_ms = 5000", commands: true)
        let request = CoAPTestHost.post(0x0500, query: ["ct=5"])
        let sender = try host.startSendingCommand("set-led", to: "device-1", payload: "on")
        let answers = try host.exchange([request], seconds: 4)
        let answer = try XCTUnwrap(answers.first)
        XCTAssertEqual(answer.type, .acknowledgement)
        XCTAssertEqual(answer.code, .content)
        XCTAssertEqual(answer.first(.command)?.stringValue, "set-led")
        XCTAssertEqual(answer.payload, Array("on".utf8))
        XCTAssertEqual(sender.wait(seconds: 10).status, 0)
    }
}

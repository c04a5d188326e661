import CTributary
import Dispatch
import Foundation
import Synchronization
import TributarySDK
@testable import TributaryHost

/// C callbacks the in-process tests hand to the host. They are global functions in a library
/// file (never closures in main.swift), and record what they see in `Recorder` objects passed as
/// their context.
final class SemaphoreBox {
    let semaphore: DispatchSemaphore
    init(_ semaphore: DispatchSemaphore) { self.semaphore = semaphore }
}

func blockingHandler(_ context: UnsafeMutableRawPointer?, _ event: UnsafePointer<trib_type_event>?) -> trib_type_status {
    Unmanaged<SemaphoreBox>.fromOpaque(context!).takeUnretainedValue().semaphore.wait()
    return Int32(TRIB_OK)
}

func releaseSemaphoreBox(_ context: UnsafeMutableRawPointer?) {
    Unmanaged<SemaphoreBox>.fromOpaque(context!).release()
}

/// Collects what callbacks received, from any thread.
final class Recorder: Sendable {
    let entries = Mutex<[String]>([])
    let releases = Atomic<Int>(0)
    /// The `op` of each command a route recorded (0: nobody waits).
    let operations = Mutex<[UInt64]>([])
    let answer: Int32

    init(answer: Int32 = Int32(TRIB_OK)) { self.answer = answer }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
    static func from(_ context: UnsafeMutableRawPointer?) -> Recorder { Unmanaged<Recorder>.fromOpaque(context!).takeUnretainedValue() }
    var all: [String] { entries.withLock { $0 } }

    /// Waits until `count` entries arrived (completions may come from other threads).
    func wait(for count: Int, seconds: Double = 10) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while all.count < count && Date() < deadline { usleep(1_000) }
        return all
    }
}

func recordCommand(_ context: UnsafeMutableRawPointer?, _ command: UnsafePointer<trib_type_command>?) -> trib_type_status {
    let recorder = Recorder.from(context)
    let c = command!.pointee
    recorder.entries.withLock { $0.append("\(c.application.string)/\(c.device.string) \(c.command.string) \(c.payload.string)") }
    recorder.operations.withLock { $0.append(c.op) }
    return recorder.answer
}

/// Records the outcome a waiting command sender learns.
func recordCommandDone(_ context: UnsafeMutableRawPointer?, _ status: trib_type_status) {
    Recorder.from(context).entries.withLock { $0.append("\(Status(rawValue: status))") }
}

/// Records each event's data (the tests put a sequence label there).
func recordEventData(_ context: UnsafeMutableRawPointer?, _ event: UnsafePointer<trib_type_event>?) -> trib_type_status {
    let recorder = Recorder.from(context)
    let data = event!.pointee.data.string
    recorder.entries.withLock { $0.append(data) }
    return recorder.answer
}

/// Records the calling thread, to tell inline calls from hand-offs.
func recordThread(_ context: UnsafeMutableRawPointer?, _ event: UnsafePointer<trib_type_event>?) -> trib_type_status {
    Recorder.from(context).entries.withLock { $0.append("\(UInt(bitPattern: Int(bitPattern: pthread_self())))") }
    return Int32(TRIB_OK)
}

func countRelease(_ context: UnsafeMutableRawPointer?) {
    _ = Recorder.from(context).releases.add(1, ordering: .relaxed)
}

func recordDeviceAuth(_ context: UnsafeMutableRawPointer?, _ result: UnsafePointer<trib_type_device_auth_result>?) {
    let r = result!.pointee
    let properties = UnsafeBufferPointer(start: r.properties, count: r.properties == nil ? 0 : r.property_count).map { "[\($0.string)]" }
    Recorder.from(context).entries.withLock {
        $0.append("\(Status(rawValue: r.status)) \(r.application.string)/\(r.device.string)/\(r.as_device.string)"
                  + (properties.isEmpty ? "" : " " + properties.joined()))
    }
}

func recordUserAuth(_ context: UnsafeMutableRawPointer?, _ result: UnsafePointer<trib_type_user_auth_result>?) {
    let r = result!.pointee
    Recorder.from(context).entries.withLock { $0.append("\(Status(rawValue: r.status)) \(r.user.string)") }
}

func recordPSK(_ context: UnsafeMutableRawPointer?, _ result: UnsafePointer<trib_type_psk_result>?) {
    let r = result!.pointee
    Recorder.from(context).entries.withLock {
        $0.append("\(Status(rawValue: r.status)) \(r.application.string)/\(r.device.string) key=\(r.key.string)")
    }
}

func recordAuthorize(_ context: UnsafeMutableRawPointer?, _ status: trib_type_status) {
    Recorder.from(context).entries.withLock { $0.append("\(Status(rawValue: status))") }
}

/// Calls `body` with a small valid message (app / device1 / telemetry / `payload`).
func withPluginBufferMessage(payload: String = "x", _ body: (UnsafePointer<trib_type_message>) throws -> Void) throws {
    try withPluginBuffers(["app", "device1", "telemetry", payload]) { b in
        var message = trib_type_message()
        message.struct_size = UInt32(MemoryLayout<trib_type_message>.size)
        message.application = b[0]
        message.device = b[1]
        message.channel = b[2]
        message.payload = b[3]
        try body(&message)
    }
}

/// An adapter that publishes its next message from inside the `done` of the previous one, as a
/// device loop answering in its completion would: the case where a sink that completes inside its
/// hook would be re-entered on the same thread.
final class Republisher: Sendable {
    nonisolated(unsafe) let handle: trib_type_instance_host_ptr
    let remaining: Atomic<Int>
    let statuses = Mutex<[Int32]>([])

    init(handle: trib_type_instance_host_ptr, count: Int) {
        self.handle = handle
        remaining = Atomic(count)
    }

    func publishNext() {
        guard remaining.subtract(1, ordering: .relaxed).newValue >= 0 else { return }
        var returned = Int32(TRIB_ERR_INVALID)
        try? withPluginBufferMessage(payload: "{\"n\":1}") { message in
            returned = HostAPITable.pointer.pointee.publish(handle, message, republishDone, Unmanaged.passUnretained(self).toOpaque())
        }
        if returned != TRIB_PENDING { statuses.withLock { $0.append(returned) } }
    }
}

func republishDone(_ context: UnsafeMutableRawPointer?, _ status: trib_type_status) {
    let republisher = Unmanaged<Republisher>.fromOpaque(context!).takeUnretainedValue()
    republisher.statuses.withLock { $0.append(status) }
    republisher.publishNext()
}

/// A consumer whose output fills up: while `full`, it answers TRIB_BUSY (a pausing subscription
/// keeps the event); otherwise it records the event's data.
final class FillingConsumer: Sendable {
    let full = Atomic<Bool>(false)
    let taken = Mutex<[String]>([])
    let refusals = Atomic<Int>(0)
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

func fillingHandler(_ context: UnsafeMutableRawPointer?, _ event: UnsafePointer<trib_type_event>?) -> trib_type_status {
    let consumer = Unmanaged<FillingConsumer>.fromOpaque(context!).takeUnretainedValue()
    if consumer.full.load(ordering: .acquiring) {
        consumer.refusals.add(1, ordering: .relaxed)
        return Int32(TRIB_BUSY)
    }
    consumer.taken.withLock { $0.append(event!.pointee.data.string) }
    return Int32(TRIB_OK)
}

// registry-file benchmark: authentications per second on one thread with a warm cache, and the
// cost of a cold bcrypt (cost 10) verification. Drives the built library through its C entry
// point, as the host does. Usage: registry-bench [libtributary-registry-file.so]
// (BENCH_COUNT sets the number of warm authentications, default 2,000,000).
import CTributary
import Foundation
import TestSupport
import TributaryCrypto

let library = CommandLine.arguments.dropFirst().first ?? ".build/release/libtributary-registry-file.so"
let count = Int(ProcessInfo.processInfo.environment["BENCH_COUNT"] ?? "") ?? 2_000_000
let plainDevices = 10_000

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func rate(_ label: String, _ requests: [DeviceRequest], plugin: CPlugin, instance: trib_type_instance_plugin_ptr) {
    var failures = 0
    let elapsed = seconds {
        for index in 0..<count where plugin.authenticate(instance, op: UInt64(index), requests[index % requests.count]) != Int32(TRIB_OK) {
            failures += 1
        }
    }
    precondition(failures == 0, "\(label): \(failures) authentications failed")
    print(label.padding(toLength: 40, withPad: " ", startingAt: 0)
          + String(format: "%10.0f auth/s  (%.2f µs each)", Double(count) / elapsed, elapsed / Double(count) * 1e6))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

// Cold cost of the hash itself: what libcrypt spends on one cost-10 bcrypt.
var bcryptHash = ""
let rawBcrypt = median((0..<5).map { _ in seconds { bcryptHash = TestHashes.bcrypt("bcrypt-secret", cost: 10) } })

var devices: [[String: Any]] = (0..<plainDevices).map { index in
    ["metadata": ["name": "device-\(index)", "application": "bench-app"],
     "spec": ["authentication": ["credentials": [["pass": "secret-\(index)"]]]]]
}
devices.append(["metadata": ["name": "bcrypt-device", "application": "bench-app"],
                 "spec": ["authentication": ["credentials": [["pass": ["bcrypt": bcryptHash]]]]]])
let registry: [String: Any] = [
    "applications": [["metadata": ["name": "bench-app"]]],
    "devices": devices,
    "users": [["metadata": ["name": "bench-user"], "spec": ["apiKeys": [["hash": "sha256:" + Hex.encode(SHA256.digest("bench-key"))]]]]],
]
let directory = NSTemporaryDirectory() + "tributary-registry-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
try JSONSerialization.data(withJSONObject: registry).write(to: URL(fileURLWithPath: directory + "/registry.json"))

FakeHost.reset(logLevel: TRIB_LOG_WARN)
let plugin = try CPlugin(library: library)
var created: trib_type_instance_plugin_ptr?
let load = try seconds { created = try plugin.instance(file: directory + "/10-registry.conf", [("path", .string("registry.json"))]) }
let instance = created!
defer { plugin.destroy(instance) }

print("registry-file benchmark: \(library), \(plainDevices + 1) devices, \(count) authentications per run, one thread")
print(String(format: "loading the registry file (parse, validate, index): %.0f ms", load * 1e3))

// Cold: each distinct secret is a cache miss, verified on a hash worker and completed from there.
var cold: [Double] = []
for attempt in 0..<5 {
    let request = DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "bench-app", device: "bcrypt-device", password: "cold-\(attempt)")
    let op = UInt64(1_000_000_000 + attempt)
    cold.append(seconds {
        precondition(plugin.authenticate(instance, op: op, request) == Int32(TRIB_PENDING))
        precondition(FakeHost.waitForDeviceCompletion(op)?.status == Int32(TRIB_ERR_UNAUTHENTICATED))
    })
}
print(String(format: "cold bcrypt cost 10: crypt_r %.1f ms; first authentication through the plugin %.1f ms (medians of 5)",
             rawBcrypt * 1e3, median(cold) * 1e3))

let bcryptRequest = DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "bench-app", device: "bcrypt-device", password: "bcrypt-secret")
precondition(plugin.authenticate(instance, op: 2_000_000_000, bcryptRequest) == Int32(TRIB_PENDING))
precondition(FakeHost.waitForDeviceCompletion(2_000_000_000)?.status == Int32(TRIB_OK))
rate("warm cache, bcrypt credential:", [bcryptRequest], plugin: plugin, instance: instance)

let plainRequests = (0..<1000).map { index in
    let device = index * (plainDevices / 1000)
    return DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "bench-app", device: "device-\(device)", password: "secret-\(device)")
}
rate("plain passwords, 1000 devices in turn:", plainRequests, plugin: plugin, instance: instance)

// oidc-jwt benchmark: bearer-token verifications per second on one thread, through the built
// library's C entry point as the host calls it, with a warm key set (a jwks_file) and the
// verified-token cache off, then on; beside what `openssl speed` verifies per second for the
// same algorithm in the same run. The ratio is what the JWT layer costs on top of the signature.
//
// Usage: oidc-bench LIBRARY KEYS_DIR TOKENS_FILE [ALG=OPENSSL_VERIFIES_PER_SECOND ...]
// TOKENS_FILE: one `ALG TOKEN` per line (from mint.py, issuer https://bench.example/realms/bench,
// audience bench). BENCH_SECONDS (default 3) per measurement.
import CTributary
import Foundation
import TestSupport

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: oidc-bench LIBRARY KEYS_DIR TOKENS_FILE [ALG=RATE ...]\n".utf8))
    exit(2)
}
let library = arguments[1], keys = arguments[2]
let tokens: [(alg: String, token: [UInt8])] = try String(contentsOfFile: arguments[3], encoding: .utf8).split(separator: "\n").map { line in
    let parts = line.split(separator: " ")
    return (String(parts[0]), Array(parts[1].utf8))
}
var openssl: [String: Double] = [:]
for pair in arguments.dropFirst(4) {
    let parts = pair.split(separator: "=")
    if parts.count == 2, let rate = Double(parts[1]) { openssl[String(parts[0])] = rate }
}
let budget = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 3

FakeHost.reset(logLevel: TRIB_LOG_WARN)
let plugin = try CPlugin(library: library)

func instance(_ plugin: CPlugin, cacheEntries: Int) throws -> trib_type_instance_plugin_ptr {
    try plugin.instance(file: keys + "/15-oidc.conf", [
        ("issuer", .string("https://bench.example/realms/bench")), ("audience", .string("bench")),
        ("jwks_file", .string(keys + "/jwks.json")), ("token_cache_entries", .integer(Int64(cacheEntries))),
    ])
}

/// Verifications per second of one token, repeated for about `budget` seconds; operation ids
/// continue from `nextOperation`, so no completion is mistaken for another.
func rate(_ token: [UInt8], _ plugin: CPlugin, _ instance: trib_type_instance_plugin_ptr, budget: Double, nextOperation: inout UInt64) -> Double {
    var done = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var elapsed = 0.0
    while elapsed < budget {
        for _ in 0..<200 {
            let op = nextOperation
            nextOperation += 1
            let status = plugin.authenticateUser(instance, op: op, bearer: token)
            precondition(status == Int32(TRIB_PENDING) && FakeHost.userCompletion(op)?.status == Int32(TRIB_OK), "a bench token was refused")
        }
        done += 200
        // The fake host records every completion; forgetting them keeps its table small, so
        // the figure is the plugin's and not a growing dictionary's.
        FakeHost.reset(logLevel: TRIB_LOG_WARN)
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    return Double(done) / elapsed
}

let uncached = try instance(plugin, cacheEntries: 0)
let cached = try instance(plugin, cacheEntries: 10_000)
defer {
    plugin.destroy(uncached)
    plugin.destroy(cached)
}
try plugin.start(uncached)
try plugin.start(cached)

print("oidc-jwt benchmark: \(library), one thread, \(budget) s per measurement; openssl speed beside it")
print("alg     openssl verify/s   plugin, cache off   ratio   plugin, cache on   ratio")
var nextOperation: UInt64 = 1
for (alg, token) in tokens {
    let off = rate(token, plugin, uncached, budget: budget, nextOperation: &nextOperation)
    let on = rate(token, plugin, cached, budget: budget, nextOperation: &nextOperation)
    let reference = openssl[alg]
    func ratio(_ value: Double) -> String { reference.map { String(format: "%5.2fx", value / $0) } ?? "    -" }
    print(alg.padding(toLength: 8, withPad: " ", startingAt: 0)
          + String(format: "%16.0f %19.0f", reference ?? 0, off) + "   " + ratio(off)
          + String(format: " %18.0f", on) + "   " + ratio(on))
}

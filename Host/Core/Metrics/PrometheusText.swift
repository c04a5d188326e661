import Foundation

/// Builds the Prometheus text exposition format (version 0.0.4).
struct PrometheusText {
    private(set) var text = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [String: String], _ value: Int64) {
        text += name + PrometheusText.labels(labels) + " \(value)\n"
    }

    mutating func single(_ name: String, _ type: String, _ help: String, _ value: Int64) {
        family(name, type, help)
        text += "\(name) \(value)\n"
    }

    mutating func histogram(_ name: String, _ labels: [String: String], _ histogram: Histogram) {
        let snapshot = histogram.snapshot
        for (bound, count) in zip(Histogram.boundsSeconds, snapshot.cumulative) {
            var withBound = labels
            withBound["le"] = "\(bound)"
            text += name + "_bucket" + PrometheusText.labels(withBound) + " \(count)\n"
        }
        var infinite = labels
        infinite["le"] = "+Inf"
        text += name + "_bucket" + PrometheusText.labels(infinite) + " \(snapshot.count)\n"
        text += name + "_sum" + PrometheusText.labels(labels) + " \(snapshot.sumSeconds)\n"
        text += name + "_count" + PrometheusText.labels(labels) + " \(snapshot.count)\n"
    }

    private static func labels(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        let body = labels.keys.sorted().map { key in
            let value = labels[key]!
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(value)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }
}

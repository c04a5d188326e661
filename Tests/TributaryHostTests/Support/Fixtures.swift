import Foundation
import TestSupport
@testable import TributaryHost

/// Host-side helpers on top of the shared fixtures.
extension Fixtures {
    /// Parses one drop-in text as if it were the file `name`.
    static func instance(_ text: String, file name: String = "50-test.conf") throws -> InstanceConfig {
        try ConfigSet.instanceConfig(TOMLParser.parse(text, file: name), file: name)
    }

    static func settings(stateDirectory: String) -> HostSettings {
        var settings = HostSettings()
        settings.stateDirectory = stateDirectory
        settings.pluginPath = [stateDirectory]
        settings.drainTimeoutMilliseconds = 2_000
        return settings
    }

}

import CTributary

public enum Version {
    public static let tributary = "0.1.0"

    public static var text: String {
        "tributary \(tributary) (plugin ABI \(TRIB_ABI_MAJOR).\(TRIB_ABI_MINOR); built with \(PluginLibrary.hostToolchain))"
    }
}

import CTributaryLinux

/// The identity of the toolchain that built this image. A Swift plugin reports it as `built_with`
/// and the host refuses one that differs from its own: Swift has no ABI stability on Linux.
public enum Toolchain {
    public static var identity: String { String(cString: CTributaryLinux_toolchain_id()) }
}

import TributarySDK

extension TLSServerConfiguration {
    /// The `tls_certificate` and `tls_key` keys every network adapter takes: both set enables its
    /// TLS listeners, neither leaves it plain, one alone is a configuration error.
    public static func fromKeys(of config: PluginConfig) throws(PluginError) -> TLSServerConfiguration? {
        switch (try config.string("tls_certificate"), try config.string("tls_key")) {
        case let (certificate?, key?): TLSServerConfiguration(certificateFile: certificate, privateKeyFile: key)
        case (nil, nil): nil
        default: throw PluginError("\(config.file): 'tls_certificate' and 'tls_key' go together")
        }
    }
}

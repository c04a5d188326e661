import CTributary
import MQTTCodec
import TributaryNet
import TributarySDK

/// The `mqtt` protocol adapter: Drogue's MQTT device endpoint and MQTT integration, on the SDK's
/// event loops.
final class MQTTAdapter: AdapterInstance, @unchecked Sendable {
    private let context: MQTTContext
    private var group: EventLoopGroup?
    private var listeners: [StreamListener] = []

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        let configuration = try MQTTConfiguration(config)
        if let tls = configuration.tls {
            do { _ = try TLSContext(server: tls) } catch { throw PluginError("\(config.file): \(error)") }
        }
        context = MQTTContext(host: host, configuration: configuration, devices: DeviceDirectory(), metrics: MQTTMetrics(host: host))
    }

    func start() throws(PluginError) {
        let configuration = context.configuration
        do {
            let group = try EventLoopGroup(name: "mqtt", count: configuration.eventLoops)
            self.group = group
            var endpoints: [(String, TLSContext?, Bool)] = [(configuration.deviceAddress, nil, true), (configuration.integrationAddress, nil, false)]
            if let tls = configuration.tls {
                var deviceTLS = tls
                deviceTLS.requestClientCertificate = true
                endpoints.append((configuration.deviceTLSAddress, try TLSContext(server: deviceTLS), true))
                endpoints.append((configuration.integrationTLSAddress, try TLSContext(server: tls), false))
            }
            for (address, tls, devices) in endpoints {
                let context = context
                let listener = try StreamListener(address: address, group: group, tls: tls,
                                                  maxConnections: configuration.maxConnections) { stream in
                    let connection = MQTTConnection(stream: stream, maxPacketSize: configuration.maxPacketSize,
                                                    connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds)
                    if devices {
                        _ = DeviceSession(context: context, connection: connection)
                    } else {
                        _ = IntegrationSession(context: context, connection: connection)
                    }
                }
                listeners.append(listener)
                listener.start()
                context.host.log(.info, "\(devices ? "devices" : "integration") on \(address)\(tls == nil ? "" : " (TLS)")")
            }
        } catch let error as IOError {
            stop()
            throw PluginError("cannot listen: \(error)", status: .unavailable)
        } catch {
            stop()
            throw PluginError("cannot start: \(error)", status: .internalError)
        }
    }

    /// Stops accepting; connected clients stay until stop (their publishes complete or fail).
    func drain(deadlineUnixMilliseconds: Int64) {
        for listener in listeners { listener.stop() }
        listeners.removeAll()
    }

    func stop() {
        for listener in listeners { listener.stop() }
        listeners.removeAll()
        group?.stop()
        group = nil
    }
}

@c(trib_plugin_entry)
public func tribPluginEntry(
    hostMajor: UInt32, hostMinor: UInt32,
    descriptor: UnsafeMutablePointer<UnsafePointer<trib_type_plugin_descriptor>?>?
) -> Int32 {
    PluginExport.entry(
        hostMajor: hostMajor, hostMinor: hostMinor, descriptor: descriptor,
        definition: PluginDefinition(
            name: "mqtt", version: "1.0.0", description: "Drogue's MQTT device endpoint (3.1.1 and 5.0) and MQTT integration.",
            kind: .adapter, make: { host, config throws(PluginError) in try MQTTAdapter(host: host, config: config) }))
}

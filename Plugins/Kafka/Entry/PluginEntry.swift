import CTributary
import KafkaCore
import TributarySDK

// The library's one exported symbol (the version script hides the rest); the plugin is KafkaCore.
@c(trib_plugin_entry) public func tribPluginEntry(hostMajor: UInt32, hostMinor: UInt32, descriptor: PluginExport.DescriptorOut) -> Int32 {
    PluginExport.entry(hostMajor: hostMajor, hostMinor: hostMinor, descriptor: descriptor, definition: kafkaPluginDefinition)
}

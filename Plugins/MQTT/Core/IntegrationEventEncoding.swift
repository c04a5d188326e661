import CTributary
import MQTTCodec
import TributarySDK

/// How an event travels to an integration client: a structured CloudEvent (JSON; MQTT 3.1.1
/// always, 5.0 by default, with content type `application/cloudevents+json; charset=utf-8`), or
/// in binary mode (5.0 with `content-mode: binary`) the data as payload, every attribute and
/// extension as a user property, and the event's content type.
enum IntegrationEventEncoding {
    static func encode(_ event: UnsafePointer<trib_type_event>, binary: Bool, version: MQTTProtocolVersion) -> ([UInt8], MQTTProperties) {
        var properties = MQTTProperties()
        guard binary else {
            if version == .v5 { properties.contentType = "application/cloudevents+json; charset=utf-8" }
            return (CloudEventJSONEncoder.encode(event), properties)
        }
        let cloudEvent = CloudEvent(event)
        var attributes = [("specversion", cloudEvent.specversion), ("id", cloudEvent.id), ("type", cloudEvent.type),
                          ("source", cloudEvent.source)]
        if let subject = cloudEvent.subject { attributes.append(("subject", subject)) }
        if let time = cloudEvent.time { attributes.append(("time", time)) }
        attributes += cloudEvent.extensions.map { ($0.name, $0.value) }
        properties.userProperties = attributes.map { MQTTProperties.UserProperty($0.0, $0.1) }
        properties.contentType = cloudEvent.dataContentType
        return (cloudEvent.data, properties)
    }
}

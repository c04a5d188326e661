import TributarySDK

/// The `webhook-push` plugin as the SDK describes it: `libtributary-webhook-push.so` exports it from its entry
/// file, and tests make instances from it in-process, without the C entry point.
public let webhookPushPluginDefinition = PluginDefinition(
    name: "webhook-push", version: "1.0.0",
    description: "CloudEvents over HTTP to a consumer, with retries, back-pressure and an optional durable spool.",
    kind: .sink(), make: { host, config throws(PluginError) in try WebhookPushSink(host: host, config: config) })

/// What of a webhook becomes the event's data (registry `spec.ttn.payload`, or the drop-in's
/// `payload`): the device's own bytes, what the network's payload formatter decoded, or the
/// whole webhook document with its metadata.
enum TTNPayloadMode: String, Sendable {
    /// The decoded `frm_payload` / `payload_raw` bytes, `application/octet-stream`.
    case raw
    /// `decoded_payload` / `payload_fields` as JSON (`null` when absent), `application/json`.
    case fields
    /// The webhook body as it arrived, `application/json`.
    case full
}

/// Webhook bodies shaped like The Things Stack's and The Things Network's documented examples
/// (v3 "Data Formats", v2 "HTTP Integration"), with the device and a payload filled in.
enum TTNDocuments {
    /// A v3 uplink with `frm_payload` (0xBE 0xEF) and, unless left out, a decoded payload.
    static func v3Uplink(device: String, decoded: Bool = true, frmPayload: Bool = true) -> String {
        """
        {
          "end_device_ids": {
            "device_id": "\(device)",
            "application_ids": {"application_id": "ttn-app"},
            "dev_eui": "0004A30B001C0530",
            "join_eui": "800000000000000C",
            "dev_addr": "00BCB929"
          },
          "correlation_ids": ["as:up:01E0ZS7PNRW0N0TB7RY6M2T6N3"],
          "received_at": "2020-02-12T15:15:45.787Z",
          "uplink_message": {
            "session_key_id": "AXA50...",
            "f_port": 1,
            "f_cnt": 25,
            \(frmPayload ? "\"frm_payload\": \"vu8=\"," : "")
            \(decoded ? "\"decoded_payload\": {\"temperature\": 21.5, \"humidity\": 43},"  : "")
            "rx_metadata": [{
              "gateway_ids": {"gateway_id": "gtw1", "eui": "9C5C8E00001A05C4"},
              "time": "2020-02-12T15:15:45.787Z",
              "timestamp": 2463457000,
              "rssi": -35,
              "channel_rssi": -35,
              "snr": 5,
              "location": {"latitude": 37.97155556731436, "longitude": 23.72678801175413, "altitude": 2, "source": "SOURCE_REGISTRY"},
              "uplink_token": "ChIKEAoEZ3R3MRIIAAAAAAAAAAAQ6KiyjQkaCwjho5nyBRCKrL1qIMDIvscJ",
              "channel_index": 8
            }],
            "settings": {
              "data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7}},
              "coding_rate": "4/6",
              "frequency": "868500000",
              "timestamp": 2463457000,
              "time": "2020-02-12T15:15:45.787Z"
            },
            "received_at": "2020-02-12T15:15:45.514598007Z",
            "consumed_airtime": "0.056576s",
            "network_ids": {"net_id": "000013", "tenant_id": "ttn", "cluster_id": "eu1"}
          }
        }
        """
    }

    /// A v3 join accept.
    static func v3JoinAccept(device: String) -> String {
        """
        {
          "end_device_ids": {"device_id": "\(device)", "application_ids": {"application_id": "ttn-app"},
                             "dev_eui": "0004A30B001C0530", "join_eui": "800000000000000C", "dev_addr": "00BCB929"},
          "correlation_ids": ["as:up:01E0ZS7PNRW0N0TB7RY6M2T6N3"],
          "received_at": "2020-02-12T15:15:45.787Z",
          "join_accept": {"session_key_id": "AXBSH1Pk6Z0G166...", "received_at": "2020-02-12T15:15:45.787Z"}
        }
        """
    }

    /// A v3 message of a type this adapter does not know.
    static func v3Unknown(device: String) -> String {
        """
        {"end_device_ids": {"device_id": "\(device)", "application_ids": {"application_id": "ttn-app"}},
         "received_at": "2020-02-12T15:15:45.787Z", "some_future_message": {"x": 1}}
        """
    }

    /// A v2 uplink (payload 01 02 03 04).
    static func v2Uplink(device: String, retry: Bool = false) -> String {
        """
        {
          "app_id": "ttn-app",
          "dev_id": "\(device)",
          "hardware_serial": "0102030405060708",
          "port": 2,
          "counter": 7,
          "is_retry": \(retry),
          "confirmed": false,
          "payload_raw": "AQIDBA==",
          "payload_fields": {"led": true},
          "metadata": {
            "time": "2017-01-23T09:44:36.567Z",
            "frequency": 868.1,
            "modulation": "LORA",
            "data_rate": "SF7BW125",
            "bit_rate": 50000,
            "coding_rate": "4/5",
            "gateways": [{"gtw_id": "ttn-herengracht-ams", "timestamp": 12345, "time": "2017-01-23T09:44:36.567Z",
                          "channel": 0, "rssi": -25, "snr": 5, "rf_chain": 0, "latitude": 52.1234, "longitude": 6.1234, "altitude": 6}],
            "latitude": 52.2345,
            "longitude": 6.2345,
            "altitude": 2
          },
          "downlink_url": "https://integrations.thethingsnetwork.org/ttn-eu/api/v2/down/my-app-id/my-process-id?key=ttn-account-v2.secret"
        }
        """
    }
}

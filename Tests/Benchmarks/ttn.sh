#!/usr/bin/env bash
# TTN webhook benchmark: wrk with keep-alive, one connection per core, posting a The Things Stack
# v3 uplink (about 1.2 KB, with rx_metadata and a decoded payload) with Basic auth to /ttn/v3,
# against Tributary (registry-file with a bcrypt credential, the ttn plugin, a counting sink) and
# against nginx answering the same requests with a fixed 202, in one run. Prints uplinks/s,
# p50/p99 and the ratio to nginx.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release}
seconds=${BENCH_SECONDS:-10}
cores=$(nproc)
work=$(mktemp -d /tmp/tributary-ttn-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# gateway-secret as bcrypt (cost 10): the cache must keep bcrypt off the request path.
bcrypt='$2b$10$YQGwpTm7IkAMhuj4WzkPyuOTDFisYdLvwp7r5hXcb93KvWDKxRaNK'
cat > "$work/registry.json" <<JSON
{"applications": [{"metadata": {"name": "example-app"}}],
 "devices": [{"metadata": {"name": "ttn-gateway", "application": "example-app"},
              "spec": {"authentication": {"credentials": [{"pass": {"bcrypt": "$bcrypt"}}]}}},
             {"metadata": {"name": "lora-node1", "application": "example-app"},
              "spec": {"gatewaySelector": {"matchNames": ["ttn-gateway"]}, "ttn": {"payload": "fields"}}}]}
JSON
source "$root/Tests/Benchmarks/host-dropins.sh"
write_host_dropins "$work" "$bin"

port=$(free_port); nginx_port=$(free_port)
printf 'plugin = "ttn"\naddress = "127.0.0.1:%s"\n' "$port" > "$work/conf/20-ttn.conf"
"$bin/tributary" run --config-dir "$work/conf" > "$work/tributary.log" 2>&1 &
pids+=($!)

source "$root/Tests/Benchmarks/nginx-wrk.sh"
start_nginx_202 "$work" "$nginx_port"

body='{"end_device_ids":{"device_id":"lora-node1","application_ids":{"application_id":"example-app"},"dev_eui":"0004A30B001C0530","join_eui":"800000000000000C","dev_addr":"00BCB929"},"correlation_ids":["as:up:01E0ZS7PNRW0N0TB7RY6M2T6N3"],"received_at":"2020-02-12T15:15:45.787Z","uplink_message":{"session_key_id":"AXA50...","f_port":1,"f_cnt":25,"frm_payload":"vu8=","decoded_payload":{"temperature":21.5,"humidity":43},"rx_metadata":[{"gateway_ids":{"gateway_id":"gtw1","eui":"9C5C8E00001A05C4"},"time":"2020-02-12T15:15:45.787Z","timestamp":2463457000,"rssi":-35,"channel_rssi":-35,"snr":5,"location":{"latitude":37.97155556731436,"longitude":23.72678801175413,"altitude":2,"source":"SOURCE_REGISTRY"},"uplink_token":"ChIKEAoEZ3R3MRIIAAAAAAAAAAAQ6KiyjQkaCwjho5nyBRCKrL1qIMDIvscJ","channel_index":8}],"settings":{"data_rate":{"lora":{"bandwidth":125000,"spreading_factor":7}},"coding_rate":"4/6","frequency":"868500000","timestamp":2463457000,"time":"2020-02-12T15:15:45.787Z"},"received_at":"2020-02-12T15:15:45.514598007Z","consumed_airtime":"0.056576s","network_ids":{"net_id":"000013","tenant_id":"ttn","cluster_id":"eu1"}}}'
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic $(printf 'ttn-gateway@example-app:gateway-secret' | base64 -w0)"
LUA

for p in $port $nginx_port; do
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done
status=$(curl -s -o /dev/null -w '%{http_code}' -u ttn-gateway@example-app:gateway-secret --data "$body" "http://127.0.0.1:$port/ttn/v3")
[ "$status" = 202 ] || { echo "tributary answered $status"; cat "$work/tributary.log"; exit 1; }

echo "TTN v3 uplinks: wrk -t$cores -c$cores -d${seconds}s, ${#body}-byte webhook bodies, Basic auth (bcrypt credential)"
measure_wrk nginx uplinks/s "http://127.0.0.1:$nginx_port/ttn/v3" -t"$cores" -c"$cores" -d"${seconds}s"
measure_wrk tributary uplinks/s "http://127.0.0.1:$port/ttn/v3" -t"$cores" -c"$cores" -d"${seconds}s"
python3 -c "print(f'ratio to nginx: {$rps_tributary/$rps_nginx:.2f}x (no target yet)')"

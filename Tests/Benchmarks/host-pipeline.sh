#!/usr/bin/env bash
# Host pipeline benchmark: script-adapter -> tributary -> counting-sink, the whole process pinned
# to one core, 100-byte payloads, as octet-stream and as JSON (detected, validated, compacted).
# Prints events/s per run; the target is at least 500,000/s for octet-stream on one core.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release/tributary}
count=${BENCH_COUNT:-2000000}
work=$(mktemp -d /tmp/tributary-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

build() {
    cc -std=c11 -O2 -shared -fPIC -pthread -I "$root/PluginAPI/CTributary/include" \
        "$root/Tests/Fixtures/CPlugins/$1.c" -o "$work/lib$1.so"
}
build script_adapter
build counting_sink

# 100 bytes: {"seq":N,"temperature":21.5,...} padded with a string field to exactly 100 bytes.
json_payload='{"seq":{seq},"temperature":21.5,"humidity":48,"battery":3.71,"status":"ok","pad":"xxxxxxxxxxxx"}'

run() {
    local label=$1 content_type=$2 payload_line=$3
    local dir="$work/$label"
    mkdir -p "$dir/conf"
    cat > "$dir/conf/00-host.conf" <<CONF
[host]
admin_address = "127.0.0.1:0"
state_dir = "$dir/state"
log_level = "warn"
CONF
    printf 'plugin = "%s"\n' "$work/libcounting_sink.so" > "$dir/conf/10-count.conf"
    cat > "$dir/conf/20-script.conf" <<CONF
plugin = "$work/libscript_adapter.so"
record = "$dir/summary.json"
count = $count
window = 1024
content_type = "$content_type"
$payload_line
CONF
    taskset -c 0 "$bin" run --config-dir "$dir/conf" &
    local pid=$!
    for _ in $(seq 1 600); do
        [ -s "$dir/summary.json" ] && break
        sleep 0.1
    done
    kill -TERM "$pid"; wait "$pid" || true
    python3 - "$dir/summary.json" "$label" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["ok"] == s["published"], s
rate = s["ok"] / (s["elapsed_ns"] / 1e9)
print(f"{sys.argv[2]:<14} {s['ok']:>9} events  {s['elapsed_ns']/1e9:6.2f} s  {rate:>12,.0f} events/s (one core)")
PY
}

echo "host pipeline: script-adapter -> tributary -> counting-sink, $count events of 100 bytes"
run octet-stream "application/octet-stream" "payload_size = 100"
run json "" "payload = '$json_payload'"

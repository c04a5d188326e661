#!/usr/bin/env bash
# webhook-push benchmark: events/s delivered to nginx (Debian nginx-light, answering 204 to every
# POST, keep-alive) by script-adapter -> tributary -> webhook-push, single-event (binary mode)
# and batched, against wrk posting the same binary-mode body and ce-* headers to the same nginx
# over the same number of keep-alive connections, in the same run.
#
# The host side uses BENCH_DEVICES devices (one script-adapter each, so as many partition keys:
# events of one key go one request at a time, in order) and max_connections = BENCH_DEVICES,
# the number of connections wrk gets; each device keeps up to 1024 events in flight. events/s
# is from the first publish to the last acknowledgement (the slowest device counts).
# Target: single-event delivery at least 0.5x the wrk rate.
#
#   BENCH_DEVICES (8)  BENCH_SINGLE_COUNT (events per device, 25000)  BENCH_BATCH_COUNT (100000)
#   BENCH_SECONDS (wrk duration, 10)  BENCH_LOOPS (the sink's event_loops, 1)
#   TRIBUTARY_BIN (.build/release/tributary)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release/tributary}
plugins=$(dirname "$bin")
devices=${BENCH_DEVICES:-8}
single_count=${BENCH_SINGLE_COUNT:-25000}
batch_count=${BENCH_BATCH_COUNT:-100000}
seconds=${BENCH_SECONDS:-10}
work=$(mktemp -d /tmp/tributary-webhook-bench.XXXXXX)
chmod 755 "$work"
nginx_pid=""
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

for tool in nginx wrk; do
    command -v "$tool" >/dev/null || { echo "webhook-push bench: $tool is missing (make deps installs nginx-light and wrk)"; exit 1; }
done

cc -std=c11 -O2 -shared -fPIC -pthread -I "$root/PluginAPI/CTributary/include" \
    "$root/Tests/Fixtures/CPlugins/script_adapter.c" -o "$work/libscript_adapter.so"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# nginx as an unprivileged process with its own configuration, in the foreground.
mkdir -p "$work/nginx"
chmod 777 "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    server {
        listen 127.0.0.1:$port;
        location / { return 204; }
    }
}
CONF
if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
else
    nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
fi
nginx_pid=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null -X POST "http://127.0.0.1:$port/" && break
    sleep 0.05
done

# The body and headers webhook-push sends in binary mode for a 100-byte octet-stream event.
payload=$(printf 'x%.0s' $(seq 1 100))
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$payload"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["User-Agent"] = "tributary-webhook-push/1.0"
wrk.headers["ce-specversion"] = "1.0"
wrk.headers["ce-id"] = "4f0cbc1f-6d3e-4a5b-9d6e-2f1c3b4a5d6e"
wrk.headers["ce-source"] = "drogue://app/device1"
wrk.headers["ce-type"] = "io.drogue.event.v1"
wrk.headers["ce-subject"] = "telemetry"
wrk.headers["ce-time"] = "2025-01-01T00:00:00.000000Z"
wrk.headers["ce-application"] = "app"
wrk.headers["ce-device"] = "device1"
wrk.headers["ce-sender"] = "device1"
wrk.headers["ce-partitionkey"] = "app/device1"
wrk.headers["ce-instance"] = "drogue"
wrk.headers["ce-seq"] = "123456"
LUA

echo "webhook-push benchmark: nginx 204 on 127.0.0.1:$port, $devices keep-alive connections, 100-byte events"
# wrk runs right before each host run, so a machine shared with other work is compared with itself.
measure_wrk() {
    wrk_rate=$(wrk -t 2 -c "$devices" -d "${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$port/events" | awk '/Requests\/sec/ {print $2}')
    printf '%-22s %12.0f requests/s (wrk -t2 -c%s, %ss)\n' "wrk" "$wrk_rate" "$devices" "$seconds"
}

run() {
    local label=$1 count=$2 settings=$3
    local dir="$work/${label// /-}"
    mkdir -p "$dir/conf"
    cat > "$dir/conf/00-host.conf" <<CONF
[host]
admin_address = "127.0.0.1:0"
state_dir = "$dir/state"
log_level = "warn"
CONF
    cat > "$dir/conf/10-hook.conf" <<CONF
plugin = "webhook-push"
url = "http://127.0.0.1:$port/events"
max_connections = $devices
max_pending = 100000
event_loops = ${BENCH_LOOPS:-1}
$settings
CONF
    for d in $(seq 1 "$devices"); do
        cat > "$dir/conf/2$d-device$d.conf" <<CONF
plugin = "$work/libscript_adapter.so"
record = "$dir/summary-$d.json"
count = $count
device = "device$d"
window = 1024
content_type = "application/octet-stream"
payload_size = 100
CONF
    done
    "$bin" run --config-dir "$dir/conf" --plugin-path "$plugins" &
    local pid=$!
    for _ in $(seq 1 1200); do
        local done=0
        for d in $(seq 1 "$devices"); do [ -s "$dir/summary-$d.json" ] && done=$((done + 1)); done
        [ "$done" = "$devices" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    # CPU the host used (all its threads), for a per-event cost that other load disturbs less.
    local ticks
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    kill -TERM "$pid"; wait "$pid" || true
    python3 - "$dir" "$devices" "$label" "$wrk_rate" "$ticks" "$(getconf CLK_TCK)" <<'PY'
import json, sys
directory, devices, label, wrk = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
summaries = [json.load(open(f"{directory}/summary-{d}.json")) for d in range(1, devices + 1)]
ok = sum(s["ok"] for s in summaries)
assert all(s["ok"] == s["published"] for s in summaries), summaries
elapsed = max(s["elapsed_ns"] for s in summaries) / 1e9
rate = ok / elapsed
cpu = int(sys.argv[5]) / int(sys.argv[6]) / ok * 1e6
print(f"{label:<22} {rate:12.0f} events/s ({ok} events in {elapsed:.2f} s; {rate / wrk:.2f}x wrk; host CPU {cpu:.1f} us/event)")
PY
}

measure_wrk
run "webhook-push single" "$single_count" 'mode = "binary"'
measure_wrk
run "webhook-push batch" "$batch_count" $'mode = "batch"\nbatch_size = 100\nbatch_linger_ms = 5'

#!/usr/bin/env bash
# CoAP device endpoint against libcoap's coap-server-notls, same load generator, same run.
#
# coapbench (Tests/Benchmarks/tools/coapbench.c) sends confirmable 100-byte POSTs to
# /v1/telemetry from BENCH_SOCKETS (32) source ports with BENCH_WINDOW (4) requests outstanding
# each, for BENCH_SECONDS (10), against:
#   - Tributary (release): registry-file (device1, plain password, credentials in option 4209),
#     coap, and a counting sink: each answer (2.04) follows authentication, normalization and the
#     sink's acceptance.
#   - coap-server-notls -d 10: answers the POST at once (4.05 for its default resource tree); the
#     peer's floor, it does no work per request beyond CoAP itself.
# BENCH_ROUNDS (3) alternating rounds; the medians of responses/s, p50 and p99, and the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release}
seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
sockets=${BENCH_SOCKETS:-32}
window=${BENCH_WINDOW:-4}
work=$(mktemp -d /tmp/tributary-coap-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cc -O2 -o "$work/coapbench" "$root/Tests/Benchmarks/tools/coapbench.c"
cat > "$work/registry.json" <<'JSON'
{"applications": [{"metadata": {"name": "example-app"}}],
 "devices": [{"metadata": {"name": "device1", "application": "example-app"},
              "spec": {"authentication": {"credentials": [{"pass": "hey-rodney"}]}}}]}
JSON
source "$root/Tests/Benchmarks/host-dropins.sh"
write_host_dropins "$work" "$bin"
tributary_port=$(free_port); peer_port=$(free_port)
# All load comes from 127.0.0.1: the per-address rate limit would measure itself.
printf 'plugin = "coap"\naddress = "127.0.0.1:%s"\npeer_rate = 0\n' "$tributary_port" > "$work/conf/20-coap.conf"
"$bin/tributary" run --config-dir "$work/conf" > "$work/tributary.log" 2>&1 &
pids+=($!)
coap-server-notls -A 127.0.0.1 -p "$peer_port" -d 10 > "$work/coap-server.log" 2>&1 &
pids+=($!)
sleep 1

auth="Basic $(printf 'device1@example-app:hey-rodney' | base64 -w0)"
payload='{"seq":1,"temperature":21.5,"humidity":48,"battery":3.71,"status":"ok","pad":"xxxxxxxxxxxxxxxxxxxxxx"}'

# measure LABEL PORT: one coapbench run, its summary line, and its figures kept for the medians.
measure() {
    local label=$1 port=$2 out="$work/$1.out"
    "$work/coapbench" -p "$port" -u /v1/telemetry -a "$auth" -f 50 -d "$payload" -n $(( seconds * 150000 )) -t "$seconds" \
        -w "$window" -c "$sockets" > "$out"
    local rate p50 p99 ok errors timeouts
    rate=$(awk '$1=="responses_per_s" {print $2}' "$out"); p50=$(awk '$1=="p50_us" {print $2}' "$out")
    p99=$(awk '$1=="p99_us" {print $2}' "$out"); ok=$(awk '$1=="responses_2xx" {print $2}' "$out")
    errors=$(awk '$1=="responses_4xx" || $1=="responses_5xx" {s+=$2} END {print s}' "$out"); timeouts=$(awk '$1=="timeouts" {print $2}' "$out")
    printf '%-12s %9s responses/s   p50 %6s us   p99 %6s us   (2.xx %s, 4.xx/5.xx %s, timeouts %s)\n' \
        "$label" "$rate" "$p50" "$p99" "$ok" "$errors" "$timeouts"
    echo "$rate $p50 $p99" >> "$work/$label.rates"
}

echo "CoAP: coapbench, confirmable 100-byte POSTs, $sockets sockets x window $window, ${seconds}s, $rounds rounds"
for _ in $(seq 1 "$rounds"); do
    measure coap-server "$peer_port"
    measure tributary "$tributary_port"
done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for label in coap-server tributary; do
    for column in 1 2 3; do
        eval "m_${label//-/_}_$column=$(awk -v c=$column '{print $c}' "$work/$label.rates" | median)"
    done
done
printf 'median of %s: coap-server %s responses/s (p50 %s us, p99 %s us), tributary %s (p50 %s us, p99 %s us)\n' \
    "$rounds" "$m_coap_server_1" "$m_coap_server_2" "$m_coap_server_3" "$m_tributary_1" "$m_tributary_2" "$m_tributary_3"
python3 -c "print('ratio to coap-server-notls: %.2fx (target 1.0x)' % ($m_tributary_1 / $m_coap_server_1))"

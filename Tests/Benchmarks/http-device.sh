#!/usr/bin/env bash
# HTTP device API benchmark: wrk with keep-alive posting 100-byte JSON bodies with Basic auth to
# /v1/telemetry, against Tributary (registry-file with a bcrypt credential, the http plugin, a
# counting sink) and against nginx answering the same requests with a fixed 202, in one run, over
# plain HTTP and over TLS. Prints requests/s, p50/p99 latency and the ratio to nginx.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d /tmp/tributary-http-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Certificates for both servers.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/server.key" -out "$work/server.pem" \
    -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null

# gateway-secret as bcrypt (cost 10): the cache must keep bcrypt off the request path.
bcrypt='$2b$10$YQGwpTm7IkAMhuj4WzkPyuOTDFisYdLvwp7r5hXcb93KvWDKxRaNK'
cat > "$work/registry.json" <<JSON
{"applications": [{"metadata": {"name": "example-app"}}],
 "devices": [{"metadata": {"name": "device1", "application": "example-app"},
              "spec": {"authentication": {"credentials": [{"pass": {"bcrypt": "$bcrypt"}}]}}}]}
JSON
source "$root/Tests/Benchmarks/host-dropins.sh"
write_host_dropins "$work" "$bin"

plain=$(free_port); tls=$(free_port); nginx_plain=$(free_port); nginx_tls=$(free_port)
cat > "$work/conf/20-http.conf" <<CONF
plugin = "http"
device_address = "127.0.0.1:$plain"
application_address = "127.0.0.1:$(free_port)"
tls_certificate = "$work/server.pem"
tls_key = "$work/server.key"
device_tls_address = "127.0.0.1:$tls"
application_tls_address = "127.0.0.1:$(free_port)"
CONF
"$bin/tributary" run --config-dir "$work/conf" > "$work/tributary.log" 2>&1 &
pids+=($!)

source "$root/Tests/Benchmarks/nginx-wrk.sh"
start_nginx_202 "$work" "$nginx_plain" "$nginx_tls" "$work/server.pem" "$work/server.key"

body='{"seq":1,"temperature":21.5,"humidity":48,"battery":3.71,"status":"ok","pad":"xxxxxxxxxxxxxxxxxxxxxx"}'
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic $(printf 'device1@example-app:gateway-secret' | base64 -w0)"
LUA

for port in $plain $tls $nginx_plain $nginx_tls; do
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -u device1@example-app:gateway-secret --data "$body" "http://127.0.0.1:$plain/v1/telemetry")
[ "$status" = 202 ] || { echo "tributary answered $status"; cat "$work/tributary.log"; exit 1; }

echo "HTTP device API: wrk -t2 -c$connections -d${seconds}s, 100-byte JSON bodies, Basic auth (bcrypt credential)"
wrk_args=(-t2 -c"$connections" -d"${seconds}s")
measure_wrk nginx-plain req/s "http://127.0.0.1:$nginx_plain/v1/telemetry" "${wrk_args[@]}"
measure_wrk tributary-plain req/s "http://127.0.0.1:$plain/v1/telemetry" "${wrk_args[@]}"
measure_wrk nginx-tls req/s "https://127.0.0.1:$nginx_tls/v1/telemetry" "${wrk_args[@]}"
measure_wrk tributary-tls req/s "https://127.0.0.1:$tls/v1/telemetry" "${wrk_args[@]}"
python3 -c "print(f'ratio to nginx: plain {$rps_tributary_plain/$rps_nginx_plain:.2f}x, TLS {$rps_tributary_tls/$rps_nginx_tls:.2f}x (target 0.5x)')"

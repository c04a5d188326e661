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

mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    server {
        listen 127.0.0.1:$nginx_plain;
        listen 127.0.0.1:$nginx_tls ssl;
        ssl_certificate $work/server.pem;
        ssl_certificate_key $work/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 202; }
    }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

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

measure() {
    local label=$1 url=$2
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "$url" > "$work/$label.txt"
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$label.txt")
    p50=$(awk '$1=="50%" {print $2}' "$work/$label.txt")
    p99=$(awk '$1=="99%" {print $2}' "$work/$label.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$label.txt")
    printf '%-16s %12s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
    eval "rps_${label//-/_}=$rps"
}

echo "HTTP device API: wrk -t2 -c$connections -d${seconds}s, 100-byte JSON bodies, Basic auth (bcrypt credential)"
measure nginx-plain "http://127.0.0.1:$nginx_plain/v1/telemetry"
measure tributary-plain "http://127.0.0.1:$plain/v1/telemetry"
measure nginx-tls "https://127.0.0.1:$nginx_tls/v1/telemetry"
measure tributary-tls "https://127.0.0.1:$tls/v1/telemetry"
python3 -c "print(f'ratio to nginx: plain {$rps_tributary_plain/$rps_nginx_plain:.2f}x, TLS {$rps_tributary_tls/$rps_nginx_tls:.2f}x (target 0.5x)')"

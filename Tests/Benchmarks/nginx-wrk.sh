# Sourced by the HTTP benchmarks: nginx as the peer answering every request with a fixed 202, and
# one wrk measurement printed as a line.
#
# start_nginx_202 WORK PLAIN_PORT [TLS_PORT CERT KEY]: starts nginx in the background (its pid is
# appended to the caller's `pids`), plain on PLAIN_PORT and, when given, TLS on TLS_PORT.
start_nginx_202() {
    local work=$1 plain=$2 tls=${3:-} certificate=${4:-} key=${5:-} listen_tls=""
    [ -n "$tls" ] && listen_tls="listen 127.0.0.1:$tls ssl; ssl_certificate $certificate; ssl_certificate_key $key; ssl_protocols TLSv1.2 TLSv1.3;"
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
        listen 127.0.0.1:$plain;
        $listen_tls
        location / { return 202; }
    }
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
    pids+=($!)
}

# measure_wrk LABEL UNIT URL WRK_ARGS...: runs wrk with WORK/post.lua, prints rate, p50, p99 and
# non-2xx answers, and sets rps_LABEL (dashes become underscores) for the ratio.
measure_wrk() {
    local label=$1 unit=$2 url=$3
    shift 3
    wrk "$@" --latency -s "$work/post.lua" "$url" > "$work/$label.txt"
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$label.txt")
    p50=$(awk '$1=="50%" {print $2}' "$work/$label.txt")
    p99=$(awk '$1=="99%" {print $2}' "$work/$label.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$label.txt")
    printf '%-16s %12s %s   p50 %8s   p99 %8s   non-2xx %s\n' "$label" "$rps" "$unit" "$p50" "$p99" "${non2xx:-0}"
    eval "rps_${label//-/_}=$rps"
}

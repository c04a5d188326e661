#!/usr/bin/env bash
# MQTT over WebSocket benchmark, in one run: the same paho-mqtt clients against Tributary's
# WebSocket device port and against mosquitto's own websockets listener (`listener N` +
# `protocol websockets`). A paho publisher over websockets sends N QoS 0 messages of 100 bytes
# as fast as it can; a paho subscriber over plain TCP (Tributary's integration as an API-key user,
# mosquitto's TCP listener) counts them. BENCH_ROUNDS rounds alternate the two servers; the
# medians of messages/s are compared, with each server's CPU time per message beside them
# (steadier on a shared machine: the python3 clients are the ceiling of both rates).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release}
count=${BENCH_MESSAGES:-50000}
rounds=${BENCH_ROUNDS:-3}
python=/usr/bin/python3
work=$(mktemp -d /tmp/tributary-mqtt-ws-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

ports=($("$python" -c "
import socket
sockets = [socket.socket() for _ in range(5)]
for s in sockets: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in sockets))"))
ws_port=${ports[0]} integration_port=${ports[1]} device_port=${ports[2]} broker_port=${ports[3]} broker_ws_port=${ports[4]}

"$python" - "$work/registry.json" <<'PY'
import hashlib, json, sys
json.dump({"applications": [{"metadata": {"name": "example-app", "owner": "alice"}}],
           "devices": [{"metadata": {"name": "device1", "application": "example-app"},
                        "spec": {"authentication": {"credentials": [{"pass": "hey-rodney"}]}}}],
           "users": [{"metadata": {"name": "alice"}, "spec": {"apiKeys": [{"hash": "sha256:" + hashlib.sha256(b"alice-key").hexdigest()}]}}]},
          open(sys.argv[1], "w"))
PY
cc -std=c11 -O2 -shared -fPIC -pthread -I "$root/PluginAPI/CTributary/include" "$root/Tests/Fixtures/CPlugins/counting_sink.c" -o "$work/libcounting.so"
mkdir -p "$work/conf"
printf '[host]\nadmin_address = "127.0.0.1:0"\nstate_dir = "%s/state"\nlog_level = "warn"\nplugin_path = ["%s"]\n' "$work" "$bin" > "$work/conf/00-host.conf"
printf 'plugin = "registry-file"\npath = "%s"\n' "$work/registry.json" > "$work/conf/10-registry.conf"
printf 'plugin = "mqtt"\ndevice_address = "127.0.0.1:%s"\nintegration_address = "127.0.0.1:%s"\ndevice_ws_address = "127.0.0.1:%s"\nintegration_queue_bytes = %s\nintegration_buffer_bytes = %s\n' \
    "$device_port" "$integration_port" "$ws_port" $(( count * 2048 )) $(( count * 1024 )) > "$work/conf/20-mqtt.conf"
printf 'plugin = "%s"\n' "$work/libcounting.so" > "$work/conf/30-count.conf"
"$bin/tributary" run --config-dir "$work/conf" > "$work/tributary.log" 2>&1 &
tributary_pid=$!
pids+=("$tributary_pid")

# Debian's mosquitto 2.0.11 starts a websockets listener only beside a plain one.
printf 'listener %s 127.0.0.1\nlistener %s\nprotocol websockets\nallow_anonymous true\npersistence false\nlog_dest none\nmax_queued_messages %s\n' \
    "$broker_port" "$broker_ws_port" $(( count + 1024 )) > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" &
mosquitto_pid=$!
pids+=("$mosquitto_pid")
for port in "$ws_port" "$integration_port" "$broker_port" "$broker_ws_port"; do
    for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

cat > "$work/client.py" <<'PY'
import sys, threading, time
import paho.mqtt.client as mqtt
ws_port, sub_port, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
pub_user, pub_password, pub_topic, sub_user, sub_password, sub_topic = sys.argv[4:10]
payload = b'{"seq":1,"temperature":21.5,"humidity":48,"battery":3.71,"status":"ok","pad":"xxxxxxxxxxxxxxxxxxxx"}'
received, done, subscribed = [0], threading.Event(), threading.Event()
def on_message(c, u, m):
    received[0] += 1
    if received[0] >= count:
        done.set()
subscriber = mqtt.Client(client_id="", protocol=mqtt.MQTTv311, clean_session=True)
if sub_user:
    subscriber.username_pw_set(sub_user, sub_password)
subscriber.on_message = on_message
subscriber.on_subscribe = lambda *a: subscribed.set()
subscriber.on_connect = lambda c, u, f, rc: c.subscribe(sub_topic, qos=0)
subscriber.connect("127.0.0.1", sub_port, keepalive=60)
subscriber.loop_start()
assert subscribed.wait(10), "no SUBACK"
publisher = mqtt.Client(client_id="device1", protocol=mqtt.MQTTv311, transport="websockets", clean_session=True)
publisher.max_queued_messages_set(0)
if pub_user:
    publisher.username_pw_set(pub_user, pub_password)
publisher.connect("127.0.0.1", ws_port, keepalive=60)
publisher.loop_start()
time.sleep(0.3)
start = time.time()
for _ in range(count):
    publisher.publish(pub_topic, payload, qos=0)
last, seen = time.time(), 0
while not done.wait(0.2):
    if received[0] != seen:
        seen, last = received[0], time.time()
    elif time.time() - last > 3:
        break
elapsed = time.time() - start
print(f"{received[0] / elapsed:.0f} {received[0]}")
PY

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tributary_rates=() mosquitto_rates=() tributary_cpu=() mosquitto_cpu=()
run() {
    local server=$1; shift
    local before after line
    before=$(cpu "$server")
    line=$("$python" "$work/client.py" "$@" 2>"$work/client.err") || { cat "$work/client.err" >&2; line="0 0"; }
    after=$(cpu "$server")
    echo "$line $(( (after - before) * 10000000 / count ))"   # rate, received, server CPU ns/message
}
for _ in $(seq 1 "$rounds"); do
    read -r rate got ns <<< "$(run "$tributary_pid" "$ws_port" "$integration_port" "$count" device1@example-app hey-rodney telemetry alice alice-key app/example-app)"
    [ "$got" -ge "$count" ] || echo "tributary: $got of $count arrived"
    tributary_rates+=("$rate"); tributary_cpu+=("$ns")
    read -r rate got ns <<< "$(run "$mosquitto_pid" "$broker_ws_port" "$broker_port" "$count" "" "" t "" "" t)"
    [ "$got" -ge "$count" ] || echo "mosquitto: $got of $count arrived"
    mosquitto_rates+=("$rate"); mosquitto_cpu+=("$ns")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
t=$(median "${tributary_rates[@]}") m=$(median "${mosquitto_rates[@]}")
tc=$(median "${tributary_cpu[@]}") mc=$(median "${mosquitto_cpu[@]}")
"$python" -c "
import sys
t, m, tc, mc = (float(x) for x in sys.argv[1:5])
print(f'MQTT over WebSocket, QoS 0, {int(sys.argv[5])} messages of 100 bytes, paho publisher (websockets) -> paho subscriber (TCP), medians of {sys.argv[6]} rounds')
print(f'  mosquitto websockets listener  {m:>8,.0f} msg/s   server CPU {mc / 1000:5.1f} us/msg')
print(f'  tributary device_ws_address    {t:>8,.0f} msg/s   server CPU {tc / 1000:5.1f} us/msg   {t / m:.2f}x mosquitto')
" "$t" "$m" "$tc" "$mc" "$count" "$rounds"

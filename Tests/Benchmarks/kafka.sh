#!/usr/bin/env bash
# kafka sink benchmark, in one run against one librdkafka mock cluster (3 brokers, the tests'
# kafka_mock_cluster.c), the same records every time: 100-byte values, the sink's 12 headers
# (ce_* and content-type, with values of the same lengths), acks=all, idempotence, linger.ms=5.
#  1. kcat -P, N records with one key; then Tributary's script adapter publishing N events as one
#     device (one partition key) through the kafka sink, each completed only after Kafka's ack.
#  2. kcat -P, M records over 16 keys; then 16 MQTT devices (mosquitto_pub --repeat, QoS 1, one
#     message in flight each) through the mqtt plugin and the sink, each PUBACK after Kafka's.
# Prints records/s and the ratio to kcat. BENCH_COUNT (default 200000), BENCH_MQTT_COUNT (default
# 16000), BENCH_ROUNDS (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TRIBUTARY_BIN:-$root/.build/release}
count=${BENCH_COUNT:-200000}
mqtt_count=${BENCH_MQTT_COUNT:-16000}
devices=16
work=$(mktemp -d /tmp/tributary-kafka-bench.XXXXXX)
mock_pid=""
host_pid=""
cleanup() {
    [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null || true
    [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/mock" "$root/Tests/KafkaPluginTests/kafka_mock_cluster.c" -lrdkafka
mkfifo "$work/mock.in"
"$work/mock" 3 < "$work/mock.in" > "$work/mock.out" 2>/dev/null &
mock_pid=$!
exec 7> "$work/mock.in"
for _ in $(seq 1 100); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
bootstrap=$(head -1 "$work/mock.out")
for topic in kcat-bench events-app events-example-app; do echo "create $topic 4" >&7; done

now() { date +%s.%N; }
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])):.0f}')" "$@"; }

# kcat: the same value, keys and headers as the sink writes (ids and times of the same length).
headers=(-H ce_specversion=1.0 -H ce_id=4a167767-5146-4c55-89a6-fbde9eff2d43 -H ce_source=drogue://app/device1
         -H ce_type=io.drogue.event.v1 -H ce_subject=telemetry -H ce_time=2026-12-07T23:26:24.507322Z -H ce_application=app
         -H ce_device=device1 -H ce_sender=device1 -H ce_partitionkey=app/device1 -H ce_instance=drogue
         -H content-type=application/octet-stream)
kcat_run() {
    local records=$1 keys=$2 file=$work/records-$2
    python3 -c "import sys; n, k = int(sys.argv[1]), int(sys.argv[2]); sys.stdout.write(''.join('app/device%d:%s\n' % (i % k + 1, 'x' * 100) for i in range(n)))" \
        "$records" "$keys" > "$file"
    local start
    start=$(now)
    kcat -P -b "$bootstrap" -t kcat-bench -K: -X acks=all -X enable.idempotence=true -X linger.ms=5 "${headers[@]}" -l "$file"
    rate "$records" "$start" "$(now)"
}
kcat_devices_rate=$(kcat_run "$mqtt_count" "$devices")

run_host() {
    "$bin/tributary" run --config-dir "$1" --plugin-path "$bin" > "$1/../host.log" 2>&1 &
    host_pid=$!
}
stop_host() {
    kill -TERM "$host_pid"; wait "$host_pid" || true
    host_pid=""
}

# The fixture adapter through the sink, rounds alternating with kcat (this machine is shared
# and noisy: the medians are compared). With jemalloc installed, a third line shows the same run
# with it preloaded: glibc's allocator is most of the gap (see the README).
cc -std=c11 -O2 -shared -fPIC -pthread -I "$root/PluginAPI/CTributary/include" "$root/Tests/Fixtures/CPlugins/script_adapter.c" -o "$work/libscript.so"
mkdir -p "$work/fixture/conf"
printf '[host]\nadmin_address = "127.0.0.1:0"\nstate_dir = "%s/state"\nlog_level = "warn"\n' "$work/fixture" > "$work/fixture/conf/00-host.conf"
printf 'plugin = "kafka"\n[librdkafka]\nbootstrap.servers = "%s"\n' "$bootstrap" > "$work/fixture/conf/40-kafka.conf"
printf 'plugin = "%s"\nrecord = "%s"\ncount = %d\napplication = "app"\ndevice = "device1"\npayload_size = 100\nwindow = 4096\ncontent_type = "application/octet-stream"\n' \
    "$work/libscript.so" "$work/fixture/summary.json" "$count" > "$work/fixture/conf/20-script.conf"
fixture_run() {
    rm -f "$work/fixture/summary.json"
    LD_PRELOAD=${1:-} "$bin/tributary" run --config-dir "$work/fixture/conf" --plugin-path "$bin" > "$work/fixture/host.log" 2>&1 &
    host_pid=$!
    for _ in $(seq 1 1200); do [ -s "$work/fixture/summary.json" ] && break; sleep 0.1; done
    stop_host
    python3 - "$work/fixture/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["ok"] == s["published"], s
print(f'{s["ok"] / (s["elapsed_ns"] / 1e9):.0f}')
PY
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
kcat_rates=()
fixture_rates=()
for _ in $(seq 1 "${BENCH_ROUNDS:-3}"); do
    kcat_rates+=("$(kcat_run "$count" 1)")
    fixture_rates+=("$(fixture_run)")
done
kcat_rate=$(median "${kcat_rates[@]}")
fixture_rate=$(median "${fixture_rates[@]}")
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
jemalloc_rate=0
[ -f "$jemalloc" ] && jemalloc_rate=$(fixture_run "$jemalloc")

# MQTT QoS 1 devices through the sink: each PUBACK after Kafka's acknowledgement.
mkdir -p "$work/mqtt/conf"
python3 - "$work/mqtt/registry.json" "$devices" <<'PY'
import json, sys
devices = [{"metadata": {"name": f"device{i}", "application": "app"},
            "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}} for i in range(1, int(sys.argv[2]) + 1)]
json.dump({"applications": [{"metadata": {"name": "app"}}], "devices": devices}, open(sys.argv[1], "w"))
PY
printf '[host]\nadmin_address = "127.0.0.1:0"\nstate_dir = "%s/state"\nlog_level = "warn"\n' "$work/mqtt" > "$work/mqtt/conf/00-host.conf"
printf 'plugin = "registry-file"\npath = "%s"\n' "$work/mqtt/registry.json" > "$work/mqtt/conf/10-registry.conf"
printf 'plugin = "mqtt"\ndevice_address = "127.0.0.1:18830"\nintegration_address = "127.0.0.1:18840"\n' > "$work/mqtt/conf/20-mqtt.conf"
printf 'plugin = "kafka"\n[librdkafka]\nbootstrap.servers = "%s"\n%s\n' "$bootstrap" "${BENCH_KAFKA_PROPERTIES:-}" > "$work/mqtt/conf/40-kafka.conf"
run_host "$work/mqtt/conf"
for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/18830) 2>/dev/null && break; sleep 0.1; done
payload=$(printf 'y%.0s' $(seq 1 100))
start=$(now)
pids=()
for device in $(seq 1 "$devices"); do
    mosquitto_pub -h 127.0.0.1 -p 18830 -u "device$device@app" -P secret -i "device$device" -q 1 -t telemetry \
        --repeat $((mqtt_count / devices)) --repeat-delay 0 -m "$payload" &
    pids+=($!)
done
wait "${pids[@]}"
mqtt_rate=$(rate "$mqtt_count" "$start" "$(now)")
stop_host
exec 7>&-

python3 - "$kcat_rate" "$fixture_rate" "$kcat_devices_rate" "$mqtt_rate" "$count" "$mqtt_count" "$devices" "$jemalloc_rate" \
    "${kcat_rates[*]}" "${fixture_rates[*]}" <<'PY'
import sys
kcat, fixture, kcat_devices, mqtt, count, mqtt_count, devices, jemalloc = (float(x) for x in sys.argv[1:9])
print("kafka sink into librdkafka's mock cluster (3 brokers), 100-byte records with the binding's 12 headers")
print(f"  kcat -P, {int(count)} records, 1 key                  {kcat:>10,.0f} records/s")
print(f"  script adapter -> tributary -> kafka, 1 device     {fixture:>10,.0f} events/s   {fixture / kcat:.2f}x kcat (medians; rounds: kcat {sys.argv[9]}, tributary {sys.argv[10]})")
if jemalloc:
    print(f"  the same with jemalloc preloaded                   {jemalloc:>10,.0f} events/s   {jemalloc / kcat:.2f}x kcat")
print(f"  kcat -P, {int(mqtt_count)} records, {int(devices)} keys                 {kcat_devices:>10,.0f} records/s")
print(f"  {int(devices)} MQTT QoS 1 devices -> tributary -> kafka      {mqtt:>10,.0f} events/s   {mqtt / kcat_devices:.2f}x kcat")
PY

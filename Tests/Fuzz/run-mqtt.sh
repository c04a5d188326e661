#!/usr/bin/env bash
# Fuzzes the MQTT decoder (Tests/Fuzz/MQTTDecoderFuzz.swift) with libFuzzer for FUZZ_SECONDS
# (default 30) and fails on the first crash, leak or failed check; the input that caused it is
# left in .build/fuzz/mqtt/artifacts/ and replays with
#   .build/fuzz/mqtt/mqtt-decoder-fuzz .build/fuzz/mqtt/artifacts/crash-...
# The corpus grows in .build/fuzz/mqtt/corpus/ across runs. Needs only the Swift toolchain
# (its libFuzzer and AddressSanitizer), jq and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=.build/fuzz/mqtt
mkdir -p "$out/corpus" "$out/artifacts"

source Tests/Fuzz/build-fuzzer.sh
build_fuzzer "$out/mqtt-decoder-fuzz" MQTTCodec Tests/Fuzz/MQTTDecoderFuzz.swift

# Seeds: a control byte (see the target), then a connection's bytes: mosquitto_pub's 3.1.1, 5.0
# and 3.1 connections (MQTTDecoderTests), every client packet of each version, and what a server
# sends to a 3.1.1 and a 5.0 client.
python3 - "$out/corpus" <<'SEEDS'
import sys, pathlib
seeds = {
    "mosquitto-v311": "00" "101a00044d5154540402001e000e7472696275746172792d74657374"
        "321a000c73656e736f72732f74656d7000017b2274223a32312e357de000",
    "mosquitto-v5": "00" "101e00044d5154540502001e03210014000e7472696275746172792d74657374"
        "303a000c73656e736f72732f74656d70210300106170706c69636174696f6e2f6a736f6e"
        "2600047369746500056c61622d317b2274223a32312e357de000",
    "mosquitto-v31": "00" "100f00064d51497364700302003c000163300400016178e000",
    "client-v5": "10" "103800044d51545405ee001e10110000000a1500016d160001012100050007646576406170700701011800000005"
        "000177000102000175000101f00618041500016d342a00000002220300106170706c69636174696f6e2f6a736f6e0900"
        "0201022300012600016b000176010203620200024003000310821a0004020b070005612f2b2f232d000a247368617265"
        "2f672f7800a20a0005000005612f2b2f23c000e00104",
    "client-v311": "00" "101700044d51545404d600000000000177000000017500010182060001000123023b070003612f6200095002"
        "0009a2050002000123c000e000",
    "server-v5": "13" "201100000e1200017822000325002700000400320c0001740001050b010bac02099005000400018fb00400050000"
        "50020006d000e0018b",
    "server-v311": "01" "20020100300400017409900400040280b002000570020006d000",
}
for name, text in seeds.items():
    pathlib.Path(sys.argv[1], "seed-" + name).write_bytes(bytes.fromhex(text))
SEEDS

# libFuzzer reports crashes itself; the Swift backtracer would only slow that down and trip ASan.
SWIFT_BACKTRACE=enable=no "$out/mqtt-decoder-fuzz" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" "$out/corpus"

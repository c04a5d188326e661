#!/usr/bin/env bash
# Builds each codec fuzz target with libFuzzer and AddressSanitizer, then runs each for
# FUZZ_SECONDS (default 30) with inputs up to 64 KiB. Exits non-zero when a target crashes,
# leaks or trips an invariant; the crashing input is left in .build/fuzz/artifacts/.
# Reproduce one with: .build/fuzz/<target> .build/fuzz/artifacts/<target>-crash-…
set -euo pipefail
cd "$(dirname "$0")/../.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
OUT=.build/fuzz
mkdir -p "$OUT/artifacts"
source Tests/Fuzz/build-fuzzer.sh

# run <target> [libFuzzer options…]: fuzzes from (and grows) the target's corpus directory.
run() {
    local target=$1
    shift
    mkdir -p "$OUT/corpus/$target"
    echo "fuzzing $target for ${FUZZ_SECONDS}s"
    "$OUT/$target" -max_len=65536 -max_total_time="$FUZZ_SECONDS" -malloc_limit_mb=64 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$target-" "$@" "$OUT/corpus/$target"
}

build_fuzzer "$OUT/http-request-decoder" HTTP1Codec --sources Tests/Fuzz/HTTPRequestDecoderFuzz.swift Tests/Fuzz/FuzzSupport.swift
build_fuzzer "$OUT/websocket-frame-decoder" WebSocketCodec --sources Tests/Fuzz/WebSocketFrameDecoderFuzz.swift Tests/Fuzz/FuzzSupport.swift
build_fuzzer "$OUT/coap-decoder" CoAPCodec --sources Tests/Fuzz/CoAPDecoderFuzz.swift
run http-request-decoder -dict=Tests/Fuzz/http.dict
run websocket-frame-decoder
run coap-decoder

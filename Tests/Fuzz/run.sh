#!/usr/bin/env bash
# Builds each codec fuzz target with libFuzzer and AddressSanitizer, then runs each for
# FUZZ_SECONDS (default 30) with inputs up to 64 KiB. Exits non-zero when a target crashes,
# leaks or trips an invariant; the crashing input is left in .build/fuzz/artifacts/.
# Reproduce one with: .build/fuzz/<target> .build/fuzz/artifacts/<target>-crash-…
set -euo pipefail
cd "$(dirname "$0")/../.."

SWIFTC=${SWIFTC:-swiftc}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
OUT=.build/fuzz
NET=PluginAPI/TributaryNet
FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld)
mkdir -p "$OUT/artifacts"

# The codecs import TributarySDK for its UTF-8 validator: that one file becomes the module.
"$SWIFTC" "${FLAGS[@]}" -wmo -module-name TributarySDK -emit-module -emit-module-path "$OUT/TributarySDK.swiftmodule" \
    -c PluginAPI/TributarySDK/Text/UTF8Validation.swift -o "$OUT/TributarySDK.o"

CODEC=("$NET/Codec/Array+CappedGrowth.swift" "$NET/Codec/DecoderBacklog.swift" "$NET/Codec/IncrementalParser.swift")
HTTP=(
    "$NET/HTTP1/HTTPClientRequest.swift" "$NET/HTTP1/HTTPClientResponse.swift" "$NET/HTTP1/HTTPDecoderLimits.swift"
    "$NET/HTTP1/HTTPGrammar.swift" "$NET/HTTP1/HTTPHeaders.swift" "$NET/HTTP1/HTTPMessageDecoder.swift"
    "$NET/HTTP1/HTTPMessageReader.swift" "$NET/HTTP1/HTTPParseError.swift" "$NET/HTTP1/HTTPRequest.swift"
    "$NET/HTTP1/HTTPRequestDecoder.swift" "$NET/HTTP1/HTTPRequestEncoder.swift" "$NET/HTTP1/HTTPRequestHead.swift"
    "$NET/HTTP1/HTTPResponse.swift" "$NET/HTTP1/HTTPResponseDecoder.swift" "$NET/HTTP1/HTTPResponseEncoder.swift"
    "$NET/HTTP1/HTTPVersion.swift"
)
WEBSOCKET=(
    "$NET/WebSocket/WebSocketError.swift" "$NET/WebSocket/WebSocketEvent.swift" "$NET/WebSocket/WebSocketFrame.swift"
    "$NET/WebSocket/WebSocketFrameDecoder.swift" "$NET/WebSocket/WebSocketFrameEncoder.swift"
    "$NET/WebSocket/WebSocketMessageAssembler.swift"
)

# build <target> <sources…>: one executable, compiled as module TributaryNet so the harness sees
# internal API, linked with the TributarySDK object.
build() {
    local target=$1
    shift
    echo "building $target"
    "$SWIFTC" "${FLAGS[@]}" -module-name TributaryNet -I "$OUT" "$@" Tests/Fuzz/FuzzSupport.swift "$OUT/TributarySDK.o" \
        -o "$OUT/$target"
}

# run <target> [libFuzzer options…]: fuzzes from (and grows) the target's corpus directory.
run() {
    local target=$1
    shift
    mkdir -p "$OUT/corpus/$target"
    echo "fuzzing $target for ${FUZZ_SECONDS}s"
    "$OUT/$target" -max_len=65536 -max_total_time="$FUZZ_SECONDS" -malloc_limit_mb=64 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$target-" "$@" "$OUT/corpus/$target"
}

build http-request-decoder "${CODEC[@]}" "${HTTP[@]}" Tests/Fuzz/HTTPRequestDecoderFuzz.swift
build websocket-frame-decoder "${CODEC[@]}" "${WEBSOCKET[@]}" Tests/Fuzz/WebSocketFrameDecoderFuzz.swift
run http-request-decoder -dict=Tests/Fuzz/http.dict
run websocket-frame-decoder

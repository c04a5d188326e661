#!/usr/bin/env bash
# Builds and runs the libFuzzer targets for the host's and SDK's own parsers and writers (drop-in
# TOML, JSON validation/compaction, event normalization with the structured-mode encoder) and
# oidc-jwt's bearer tokens and key sets, and the DTLS records the coap plugin reads, each
# for FUZZ_SECONDS (default 30). Exits non-zero on a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$root/.build/fuzz-host}
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$out"

source "$root/Tests/Fuzz/build-fuzzer.sh"
build_fuzzer "$out/toml" TributaryHost "$root/Tests/Fuzz/TOMLParserFuzz.swift"
build_fuzzer "$out/json" TributarySDK "$root/Tests/Fuzz/JSONCompactFuzz.swift"
build_fuzzer "$out/normalizer" TributaryHost "$root/Tests/Fuzz/EventNormalizerFuzz.swift"
build_fuzzer "$out/json-tree" TributarySDK "$root/Tests/Fuzz/JSONTreeFuzz.swift"
build_fuzzer "$out/bearer-token" OIDCJWTCore "$root/Tests/Fuzz/BearerTokenFuzz.swift"
build_fuzzer "$out/dtls-records" WebSocketCodec "$root/Tests/Fuzz/DTLSRecordsFuzz.swift" "$root/PluginAPI/TributaryNet/DTLS/DTLSRecords.swift"

status=0
for name in toml json normalizer json-tree bearer-token dtls-records; do
    mkdir -p "$out/corpus-$name"
    echo "fuzzing $name for ${seconds}s"
    if ! "$out/$name" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/$name-" \
        "$out/corpus-$name" > "$out/$name.log" 2>&1; then
        echo "fuzzer $name failed; see $out/$name.log and $out/$name-crash-*"
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" "$out/$name.log" || true
done
exit $status

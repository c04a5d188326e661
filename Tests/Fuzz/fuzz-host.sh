#!/usr/bin/env bash
# Builds and runs the libFuzzer targets for the host's and SDK's own parsers (drop-in TOML, JSON
# validation/compaction), each for FUZZ_SECONDS (default 30). Exits non-zero on a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$root/.build/fuzz-host}
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$out"

build() {
    local name=$1 module=$2; shift 2
    swiftc -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld -module-name "$module" "$@" -o "$out/$name"
}

build toml TOMLFuzz "$root"/Host/Core/Config/{TOMLParser,TOMLValue,SourcePosition,ConfigError}.swift "$root/Tests/Fuzz/TOMLParserFuzz.swift"
build json JSONFuzz "$root/PluginAPI/TributarySDK/Event/JSON.swift" "$root/PluginAPI/TributarySDK/Text/UTF8Validation.swift" "$root/Tests/Fuzz/JSONCompactFuzz.swift"

status=0
for name in toml json; do
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

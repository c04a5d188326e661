#!/usr/bin/env bash
# Builds and runs the libFuzzer targets for the host's and SDK's own parsers and writers (drop-in
# TOML, JSON validation/compaction, event normalization with the structured-mode encoder), each
# for FUZZ_SECONDS (default 30). Exits non-zero on a crash.
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

# The normalizer imports CTributary (a module map over the header) and the SDK's event codecs
# (compiled first as module TributarySDK).
mkdir -p "$out/include"
printf 'module CTributary {\n    header "%s"\n    export *\n}\n' "$root/PluginAPI/CTributary/include/tributary.h" > "$out/include/module.modulemap"
sdk=("$root"/PluginAPI/TributarySDK/Event/*.swift "$root"/PluginAPI/TributarySDK/Text/*.swift
     "$root"/PluginAPI/TributarySDK/Plugin/{Buffers,LentEvent,CloudEvent+ABI}.swift)
swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -I "$out/include" -module-name TributarySDK -emit-module \
    -emit-module-path "$out/TributarySDK.swiftmodule" -c "${sdk[@]}" -o "$out/TributarySDK.o"
build normalizer TributaryHost -I "$out/include" -I "$out" "$out/TributarySDK.o" \
    "$root"/Host/Core/Routing/{EventNormalizer,EventRecordLayout,EventRecord}.swift "$root/Tests/Fuzz/EventNormalizerFuzz.swift"

status=0
for name in toml json normalizer; do
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

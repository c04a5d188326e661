# Sourced by the fuzz scripts: builds a libFuzzer executable from a package target and a harness.
#
# SwiftPM builds the target and everything it depends on with libFuzzer coverage and
# AddressSanitizer (its own scratch directory, so the normal build is untouched), and testable, so
# a harness reaches internal API with `@testable import`. The harness is then linked with every
# object of that target's dependency closure, read from `swift package describe`: a file added
# to a target is fuzzed without editing a list here.
#
# With --sources, the target's own Swift sources (from its path in the package description) are
# compiled into the harness as well, with FUZZ_FROM_SOURCE defined so the harness skips its
# `@testable import`: the package build has been seen to leave a codec's objects without
# coverage counters (`objdump -h X.swift.o | grep __sancov_cntrs` finds none), and a decoder
# libFuzzer cannot see is fuzzed blind. Compiled here, its code carries the harness's counters.
#
#   build_fuzzer <output> <target> [--sources] <harness.swift>...

fuzz_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fuzz_scratch=$fuzz_root/.build/fuzz-targets
fuzz_products=$fuzz_scratch/release
fuzz_description=

# The target and its transitive dependencies, one name a line.
fuzz_closure() {
    jq -r --arg target "$1" '
        (.targets | map({key: .name, value: (.target_dependencies // [])}) | from_entries) as $deps
        | def closure(name): [name] + ([$deps[name][] | closure(.)] | add // []);
        closure($target) | unique | .[]' <<< "$fuzz_description"
}

build_fuzzer() {
    local output=$1 target=$2
    shift 2
    [ -n "$fuzz_description" ] || fuzz_description=$(cd "$fuzz_root" && swift package describe --type json)
    local own=()
    if [ "${1:-}" = --sources ]; then
        shift
        local source_path
        source_path=$(jq -r --arg name "$target" '.targets[] | select(.name == $name) | .path' <<< "$fuzz_description")
        mapfile -t own < <(find "$fuzz_root/$source_path" -name '*.swift' | sort)
        own=(-D FUZZ_FROM_SOURCE -package-name Tributary "${own[@]}")
    fi
    echo "building $target for $(basename "$output")"
    mkdir -p "$fuzz_scratch"
    local log=$fuzz_scratch/build-$target.log
    if ! (cd "$fuzz_root" && swift build -c release --scratch-path "$fuzz_scratch" --sanitize fuzzer --sanitize address \
        -Xswiftc -enable-testing -Xswiftc -g --target "$target" > "$log" 2>&1); then
        tail -n 40 "$log"
        echo "swift build of $target failed; the whole log is $log"
        return 1
    fi
    local objects=() modulemaps=() name path
    shopt -s nullglob
    for name in $(fuzz_closure "$target"); do
        objects+=("$fuzz_products/$name.build"/*.o)
        path=$(jq -r --arg name "$name" '.targets[] | select(.name == $name) | .path' <<< "$fuzz_description")
        # C targets get a generated module map in their build directory, system libraries keep theirs.
        for map in "$fuzz_products/$name.build/module.modulemap" "$fuzz_root/$path/module.modulemap"; do
            [ -f "$map" ] && modulemaps+=(-Xcc "-fmodule-map-file=$map")
        done
    done
    shopt -u nullglob
    # lld: gold warns about every sanitizer symbol it cannot export.
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld -module-name "$(basename "$output" | tr -c 'A-Za-z0-9\n' _)Fuzz" \
        -I "$fuzz_products/Modules" "${modulemaps[@]}" "${own[@]}" "$@" "${objects[@]}" -o "$output"
}

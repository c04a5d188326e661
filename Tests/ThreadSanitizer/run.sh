#!/usr/bin/env bash
# ThreadSanitizer over the in-process test suites (`make tsan`): builds the tests with
# --sanitize=thread into .build/tsan, runs every suite that does not load a Swift plugin into a
# process (a TSan-built plugin needs __tsan_* symbols that neither the host binary nor the test
# bundle export to dlopen, so those suites cannot run under TSan), and summarizes the reports by
# source location. It first runs MutexProbe.swift, a correct program TSan flags: reports whose two
# accesses both sit inside one Synchronization.Mutex's withLock are of that kind.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
reports=$(mktemp -d /tmp/tributary-tsan.XXXXXX)
swiftc -sanitize=thread -Onone Tests/ThreadSanitizer/MutexProbe.swift -o "$reports/mutex-probe"
probe=$(TSAN_OPTIONS="halt_on_error=0" "$reports/mutex-probe" 2>&1 | grep -c "WARNING: ThreadSanitizer")
echo "mutex probe (a correct program): $probe ThreadSanitizer report(s)"
swift build --build-tests --sanitize=thread --scratch-path .build/tsan 2>&1 | tail -1
TSAN_OPTIONS="log_path=$reports/report halt_on_error=0" swift test --skip-build --sanitize=thread --scratch-path .build/tsan \
    --skip "testASwiftSink|testSwiftSink|testSwiftPlugin|HTTPPluginTests|MQTTPluginTests|WebhookEndToEnd|LineAdapter|Readiness|RegistryFileTests.PluginABITests" \
    > "$reports/tests.log" 2>&1
status=$?
grep -E "Executed [0-9]+ tests" "$reports/tests.log" | tail -1
echo "reports by location (in $reports):"
cat "$reports"/report.* 2>/dev/null | grep SUMMARY | sed 's/.*ThreadSanitizer: //; s/ in \$.*//' | sort | uniq -c | sort -rn
exit $status

#!/usr/bin/env bash
# oidc-jwt: bearer-token verifications per second on one core (taskset -c 0) for RS256, ES256 and
# EdDSA, the verified-token cache off and on, beside `openssl speed` verifying the same
# algorithms on the same core in the same run. Keys and tokens come from the tests' mint.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${BENCH_SECONDS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift build -c release --product oidc-bench >/dev/null
swift build -c release --product tributary-oidc-jwt >/dev/null
/usr/bin/python3 Tests/OIDCPluginTests/mint.py keys "$work"
for alg in RS256 ES256 EdDSA; do
  claims='{"iss":"https://bench.example/realms/bench","aud":"bench","sub":"bench-user","exp":"now+86400","iat":"now-0","realm_access":{"roles":["reader"]}}'
  echo "$alg $(/usr/bin/python3 Tests/OIDCPluginTests/mint.py token "$work" "{\"alg\":\"$alg\",\"claims\":$claims}")" >> "$work/tokens"
done

# openssl speed prints one "verify/s" column per algorithm; take the last number of each line.
speed="$(taskset -c 0 openssl speed -seconds "$seconds" rsa2048 ecdsap256 ed25519 2>/dev/null)"
rsa="$(echo "$speed" | awk '/^rsa 2048 bits/ {print $NF}')"
ecdsa="$(echo "$speed" | awk '/ecdsa \(nistp256\)/ {print $NF}')"
eddsa="$(echo "$speed" | awk '/EdDSA \(Ed25519\)/ {print $NF}')"

BENCH_SECONDS="$seconds" taskset -c 0 .build/release/oidc-bench .build/release/libtributary-oidc-jwt.so "$work" "$work/tokens" \
  "RS256=$rsa" "ES256=$ecdsa" "EdDSA=$eddsa"

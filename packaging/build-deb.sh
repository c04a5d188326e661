#!/usr/bin/env bash
# `make deb`: the Debian package of what stage.sh lays out, with dpkg-deb. The drop-ins and the
# registry are conffiles (an upgrade keeps the operator's edits); postinst makes the `tributary`
# user. Prints the path of the .deb.
#
#   packaging/build-deb.sh OUTDIR [PRODUCTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
products=${2:-$root/.build/release}
version=$(sed -n 's/.*static let tributary = "\(.*\)".*/\1/p' "$root/Host/Core/CLI/Version.swift")
[ -n "$version" ] || { echo "build-deb.sh: no version in Host/Core/CLI/Version.swift" >&2; exit 1; }
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
bash "$root/packaging/stage.sh" "$tree" "$products"
install -d "$tree/DEBIAN"
(cd "$tree" && find etc -type f | sort | sed 's|^|/|') > "$tree/DEBIAN/conffiles"
install -m 0755 "$root/packaging/postinst" "$tree/DEBIAN/postinst"
size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
cat > "$tree/DEBIAN/control" <<CONTROL
Package: tributary
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: Tributary developers <tributary@localhost>
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, libssl3, libcrypt1, librdkafka1, adduser
Section: net
Priority: optional
Description: IoT data plane: MQTT, CoAP, HTTP and TTN devices into Kafka and webhooks
 One small host process that loads protocol adapters, authenticators and sinks as shared
 libraries, authenticates devices against a registry, normalizes every message into one
 CloudEvent and delivers it to sinks and to applications (MQTT, WebSocket). Drogue Cloud's
 wire behaviour. Runs as the systemd service tributary.service (Type=notify).
CONTROL
mkdir -p "$out"
deb="$out/tributary_${version}_$(dpkg --print-architecture).deb"
dpkg-deb --root-owner-group --build "$tree" "$deb" >/dev/null
echo "$deb"

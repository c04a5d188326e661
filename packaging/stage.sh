#!/usr/bin/env bash
# Lays Tributary out as installed, under DEST: the binary in /usr/bin, the shipped plugins (and
# the C examples) in /usr/lib/tributary, the Swift runtime they need in /usr/lib/tributary/swift
# (their RUNPATH points there, so the machine needs no Swift toolchain), the drop-ins in
# /etc/tributary/plugins.d with an empty registry in /etc/tributary, the state directory
# /var/lib/tributary and the systemd unit. Used by `make install` and `make deb`.
#
#   packaging/stage.sh DEST [PRODUCTS]     PRODUCTS: the build's products (default .build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$1
products=${2:-$root/.build/release}
runtime=/usr/lib/tributary/swift

install -d "$dest/usr/bin" "$dest/usr/lib/tributary" "$dest$runtime" "$dest/etc/tributary/plugins.d" \
    "$dest/var/lib/tributary" "$dest/lib/systemd/system" "$dest/usr/share/doc/tributary"
install -m 0755 "$products/tributary" "$dest/usr/bin/tributary"
for plugin in "$products"/libtributary-*.so; do install -m 0644 "$plugin" "$dest/usr/lib/tributary/"; done
for example in jsonl-sink line-adapter; do
    cc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -pthread -I "$root/PluginAPI/CTributary/include" \
        "$root/PluginAPI/Examples/$example/${example//-/_}.c" -o "$dest/usr/lib/tributary/libtributary-$example.so"
done

# The Swift runtime libraries the binary and the plugins load, from the toolchain that built them.
libraries=$( { ldd "$dest/usr/bin/tributary"; for plugin in "$dest"/usr/lib/tributary/*.so; do ldd "$plugin"; done; } \
    | awk '$3 ~ /\/usr\/lib\/swift\// {print $3}' | sort -u)
[ -n "$libraries" ] || { echo "stage.sh: no Swift runtime found through ldd" >&2; exit 1; }
for library in $libraries; do install -m 0644 "$library" "$dest$runtime/"; done
patchelf --set-rpath "$runtime" "$dest/usr/bin/tributary"
for library in "$dest"/usr/lib/tributary/*.so "$dest$runtime"/*.so; do patchelf --set-rpath "$runtime" "$library"; done

# The drop-ins as in plugins.d/, with an installed machine's paths and no demo credentials.
for dropin in "$root"/plugins.d/*.conf; do install -m 0644 "$dropin" "$dest/etc/tributary/plugins.d/"; done
sed -i -e 's|^state_dir = "/tmp/tributary" *|state_dir = "/var/lib/tributary"|' \
    -e '/^state_dir/a plugin_path = ["/usr/lib/tributary"]  # the shipped plugins' "$dest/etc/tributary/plugins.d/00-host.conf"
sed -i -e 's|^path = "registry.json" *|path = "../registry.json"  # /etc/tributary/registry.json; edit it with `tributary registry`|' \
    "$dest/etc/tributary/plugins.d/10-registry.conf"
sed -i -e 's|^enabled = true|enabled = false|' -e 's|/tmp/tributary/events.jsonl|/var/lib/tributary/events.jsonl|' \
    "$dest/etc/tributary/plugins.d/70-jsonl-example.conf"
printf '{\n  "applications": [],\n  "devices": [],\n  "users": []\n}\n' > "$dest/etc/tributary/registry.json"
chmod 0640 "$dest/etc/tributary/registry.json"

install -m 0644 "$root/packaging/tributary.service" "$dest/lib/systemd/system/tributary.service"
install -m 0644 "$root/README.md" "$dest/usr/share/doc/tributary/README.md"
install -m 0644 "$root/PluginAPI/README.md" "$dest/usr/share/doc/tributary/plugin-api.md"
install -d "$dest/usr/include/tributary"
install -m 0644 "$root/PluginAPI/CTributary/include/tributary.h" "$dest/usr/include/tributary/tributary.h"

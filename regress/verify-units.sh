#!/bin/sh
# Check the systemd units with systemd-analyze verify, as installed: the
# ExecStart binary is the one just built (verify wants it to exist).
# Usage: verify-units.sh path/to/fsgoferd
bin=${1:?usage: verify-units.sh path/to/fsgoferd}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "verify-units: systemd-analyze not installed (package systemd)" >&2
	exit 1
fi
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/sbin/fsgoferd|$bin|g" "$top/etc/fsgoferd.service" \
    >"$dir/fsgoferd.service"
cp "$top/etc/fsgoferd.socket" "$dir/fsgoferd.socket"
out=$(systemd-analyze verify --man=no "$dir/fsgoferd.socket" \
    "$dir/fsgoferd.service" 2>&1)
rc=$?
# Complaints about other units of this host are not ours to judge.
mine=$(printf '%s\n' "$out" | grep -F "$dir/" || true)
if [ $rc -ne 0 ] || [ -n "$mine" ]; then
	printf '%s\n' "$out" >&2
	echo "verify-units: FAILED" >&2
	exit 1
fi
echo "verify-units: fsgoferd.service and fsgoferd.socket verify clean"

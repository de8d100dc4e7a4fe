#!/bin/sh
# Install the named Debian packages that are not installed yet.  Quiet
# and quick when everything is present; uses sudo when not root.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "need-pkgs: missing:$missing (no apt-get: install them by hand)" >&2
	exit 1
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "need-pkgs: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q || exit 1
$sudo apt-get install -y -q $missing || exit 1

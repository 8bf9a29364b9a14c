#!/usr/bin/env bash
# Installs the Debian packages kiln builds with. Idempotent: installs only what is missing.
set -euo pipefail
pkgs=(cmake ninja-build g++ capnproto libcapnp-dev libzstd-dev libboost-dev libboost-test-dev libfmt-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the Debian 12 packages xbar-vp needs. Idempotent: does nothing when all are present.
# --test adds what only the test suite needs (headless Chromium renders report.html; clang and
# its runtime build the libFuzzer targets).
set -euo pipefail
pkgs=(build-essential cmake pkg-config ccache libsystemc-dev nlohmann-json3-dev
      libboost-program-options-dev libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
      zlib1g-dev dataset-fashion-mnist)
[ "${1:-}" = "--test" ] && pkgs+=(chromium clang libclang-rt-14-dev)  # report rendering; fuzzers
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs everything lancet needs on a fresh Debian 12 machine: build tools and libraries from
# Debian's archive, and the pinned npm packages of the interop tests (tests/interop). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DEB_PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  protobuf-compiler libprotobuf-dev
  libzstd-dev liblz4-dev libroaring-dev libcurl4-openssl-dev libssl-dev
  libhwy-dev libopenblas-dev libopenblas0-pthread libvips-dev libfaiss-dev
  python3-torch python3-numpy python3-regex python3-pil
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  nodejs npm
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. NodeSource); accept any working node + npm.
  if [[ $p == nodejs ]] && command -v node >/dev/null 2>&1; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Interop peer: the pinned @lancedb/lancedb (the Rust Lance core as a native binary).
if [[ ! -d $here/tests/interop/node_modules/@lancedb/lancedb ]] ||
   [[ $here/tests/interop/package-lock.json -nt $here/tests/interop/node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci (tests/interop)"
  (cd "$here/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
fi

# S3 test server: s3rver (pinned) behind the test proxy (tests/s3/README.md).
if [[ ! -d $here/tests/s3/node_modules/s3rver ]] ||
   [[ $here/tests/s3/package-lock.json -nt $here/tests/s3/node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci (tests/s3)"
  (cd "$here/tests/s3" && npm ci --no-audit --no-fund --loglevel=error)
fi

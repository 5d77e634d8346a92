#!/usr/bin/env bash
# Builds lancet and runs every test: the suite under ASan+UBSan, the libFuzzer targets for a short
# budget, then the whole suite in a release build (its ctest summary is the last thing printed).
# Needs no network beyond Debian's and npm's registries (used by install-deps.sh).
#   LANCET_TEST_FAST=1   skip the sanitizer and fuzz builds (quick local iteration)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${LANCET_JOBS:-2}
"$here/scripts/install-deps.sh"

# LanceDB-written tables are generated once per run and shared by every build's tests.
export LANCET_INTEROP_DIR=${LANCET_INTEROP_DIR:-$here/build/interop-gen}

if [[ ${LANCET_TEST_FAST:-0} != 1 ]]; then
  echo "== ASan + UBSan build and test suite"
  "$here/scripts/build.sh" "$here/build-asan" -DLANCET_SANITIZER=address,undefined \
      -DLANCET_BUILD_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=Debug
  (cd "$here/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -LE fuzz)

  echo "== libFuzzer targets (short budget)"
  CC=clang-14 CXX=clang++-14 "$here/scripts/build.sh" "$here/build-fuzz" -DLANCET_FUZZING=ON \
      -DLANCET_BUILD_TESTS=OFF -DLANCET_BUILD_BENCHMARKS=OFF
  (cd "$here/build-fuzz" && ctest --output-on-failure -L fuzz)
fi

echo "== Release build and test suite"
"$here/scripts/build.sh" "$here/build"
cd "$here/build" && ctest --output-on-failure -j"$jobs"

#!/usr/bin/env bash
# Builds lancet and runs every test: the whole suite under ASan+UBSan together with the libFuzzer
# targets (one clang build), then the whole suite in a release build (its ctest summary is the
# last thing printed).
# Needs no network beyond Debian's and npm's registries (used by install-deps.sh).
#   LANCET_TEST_FAST=1   skip the sanitizer and fuzz builds (quick local iteration)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${LANCET_JOBS:-2}
"$here/scripts/install-deps.sh"

# LanceDB-written tables are generated once per run and shared by every build's tests.
export LANCET_INTEROP_DIR=${LANCET_INTEROP_DIR:-$here/build/interop-gen}

if [[ ${LANCET_TEST_FAST:-0} != 1 ]]; then
  # One clang build serves both: every test runs under ASan+UBSan, and the libFuzzer targets
  # (label fuzz) run for a short budget on a generated seed corpus.
  echo "== ASan + UBSan build (clang): whole test suite and fuzz targets"
  CC=clang-14 CXX=clang++-14 "$here/scripts/build.sh" "$here/build-san" -DLANCET_FUZZING=ON \
      -DLANCET_BUILD_TESTS=ON -DLANCET_BUILD_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=Debug \
      -DLANCET_FUZZ_SECONDS="${LANCET_FUZZ_SECONDS:-60}"
  # Tests labelled slow (LanceDB interop runs, the CLIP parity run against PyTorch) run only in
  # the release build below: they exercise the same code as the sanitized unit and integration
  # tests, at a size that would take too long instrumented on 2 cores.
  (cd "$here/build-san" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --output-on-failure -j"$jobs" -LE slow)
fi

echo "== Release build and test suite"
"$here/scripts/build.sh" "$here/build"
cd "$here/build" && ctest --output-on-failure -j"$jobs"

#!/usr/bin/env bash
# The main job on its embedded default: install, build, then build a small local dataset of
# generated rows with vectors and show what was written.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" "$here/build" -DLANCET_BUILD_TESTS=OFF -DLANCET_BUILD_BENCHMARKS=OFF
"$here/build/bin/lancet" demo --dir "${LANCET_DEMO_DIR:-$here/lancet-demo}" "$@"

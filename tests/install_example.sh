#!/usr/bin/env bash
# Installs the built lancet into a temporary prefix, then configures and builds examples/basic
# against the installed package (find_package(lancet)) and runs it. Used by ctest
# (install_example_test): proves the public headers, libraries and CMake package are complete.
set -euo pipefail
src=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
# Nothing private may leak into the installed headers.
if find "$work/prefix/include" -name '*_internal.h' -o -name '*.pb.h' | grep -q .; then
  echo "private headers were installed"; exit 1
fi
cmake -S "$src/examples/basic" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/example" -j2 > "$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/example/lancet_example" "$work/example.lance"

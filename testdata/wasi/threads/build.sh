#!/bin/sh
# Builds threads.wasm (the freestanding wasi-threads command) with Debian's
# clang 14 and wasm-ld. Usage: testdata/wasi/threads/build.sh [outdir]
set -eu
dir=$(dirname "$0")
out=${1:-$dir}
clang --target=wasm32 -O2 -matomics -mbulk-memory -nostdlib \
	-Wl,--import-memory,--shared-memory,--max-memory=1048576 \
	-Wl,-z,stack-size=65536 \
	-o "$out/threads.wasm" "$dir/threads.c" "$dir/start.s"

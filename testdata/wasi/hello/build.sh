#!/bin/sh
# Builds hello.wasm with Debian's clang 14 and wasi-libc
# (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32).
# Usage: testdata/wasi/hello/build.sh [outdir]
set -eu
dir=$(dirname "$0")
out=${1:-$dir}
clang --target=wasm32-wasi -O2 -s -o "$out/hello.wasm" "$dir/hello.c"

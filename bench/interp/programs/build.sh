#!/bin/sh
# Rebuilds the benchmark programs (our own C) with Debian's clang 14.
# -fno-builtin keeps the sieve's loops as loops (no memset call: these are
# freestanding modules without libc).
set -eu
dir=$(dirname "$0")
out=${1:-$dir}
for f in fib loop sieve matmul; do
	clang --target=wasm32 -O2 -fno-builtin -nostdlib -Wl,--no-entry -o "$out/$f.wasm" "$dir/$f.c"
done

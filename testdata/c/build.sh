#!/bin/sh
# Rebuilds the committed C fixtures (small, built from our own sources) with
# Debian's clang 14. Usage: testdata/c/build.sh [outdir]
set -eu
dir=$(dirname "$0")
out=${1:-$dir}
for f in atomics tables; do
	clang --target=wasm32 -O2 -matomics -mbulk-memory -mnontrapping-fptoint -msign-ext \
		-nostdlib -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory \
		-Wl,--max-memory=1048576 -o "$out/$f.wasm" "$dir/$f.c"
done

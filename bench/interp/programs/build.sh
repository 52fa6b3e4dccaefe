#!/bin/sh
# Rebuilds the benchmark programs (our own C) with Debian's clang 14:
# X.wasm (what the harness times) and X-small.wasm (-DSMALL: the same code
# on about a twentieth of the work, for instruction counting under
# valgrind). -fno-builtin keeps loops as loops (no memset/memcpy calls:
# these are freestanding modules without libc). When a host C compiler is
# present the checksums each program expects are verified natively first
# (-DNATIVE), so a wrong constant is caught here rather than by a trap.
set -eu
dir=$(dirname "$0")
out=${1:-$dir}
progs="fib loop sieve matmul coremark calls memory empty"
flags="--target=wasm32 -O2 -fno-builtin -nostdlib -Wl,--no-entry"
if command -v cc >/dev/null 2>&1; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for f in $progs; do
		cc -O2 -DNATIVE -o "$tmp/$f" "$dir/$f.c"
		"$tmp/$f" >/dev/null || { echo "build.sh: $f: checksum differs from the expected value:" >&2; "$tmp/$f" >&2; exit 1; }
	done
fi
for f in $progs; do
	clang $flags -o "$out/$f.wasm" "$dir/$f.c"
	[ "$f" = empty ] || clang $flags -DSMALL -o "$out/$f-small.wasm" "$dir/$f.c"
done

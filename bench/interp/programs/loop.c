// A 50M-iteration i64 mix loop: arithmetic, shifts, xor, multiply.
#include <stdint.h>
__attribute__((export_name("run"))) int64_t run(void) {
	const int n = 50000000;
	uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
	for (int i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x * (uint64_t)(i | 1);
		acc = (acc >> 3) | (acc << 61);
	}
	return (int64_t)acc;
}

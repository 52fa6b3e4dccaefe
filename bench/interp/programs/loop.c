// A 50M-iteration i64 mix loop: arithmetic, shifts, xor, multiply.
#include <stdint.h>
#define N_FULL 50000000
#define N_SMALL 2500000
#define EXPECT_FULL 0xab8fa46du
#define EXPECT_SMALL 0x04bd6ea0u

static uint32_t work(uint32_t n) {
	uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x * (uint64_t)(i | 1);
		acc = (acc >> 3) | (acc << 61);
	}
	return (uint32_t)(acc ^ (acc >> 32));
}

#include "bench.h"

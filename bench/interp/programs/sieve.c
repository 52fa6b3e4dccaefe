// Byte sieve of Eratosthenes over a 1 MiB buffer, 4 times (the -small build:
// 256 KiB, once): byte loads and stores.
#include <stdint.h>
#define N_FULL 4
#define N_SMALL 1
#define EXPECT_FULL 0x00014069u
#define EXPECT_SMALL 0x000059d8u

static unsigned char flags[1 << 20];

static uint32_t work(uint32_t reps) {
	// The small build sieves a quarter of the buffer.
	int size = reps >= 4 ? (int)sizeof flags : (int)sizeof flags / 4;
	uint32_t count = 0;
	for (uint32_t r = 0; r < reps; r++) {
		count = 0;
		for (int i = 0; i < size; i++) flags[i] = 1;
		for (int i = 2; i < size; i++) {
			if (flags[i]) {
				count++;
				for (int k = i + i; k < size; k += i) flags[k] = 0;
			}
		}
	}
	return count;
}

#include "bench.h"

// One 200x200 f64 matrix multiply (the -small build: 100x100); the
// checksum hashes the bits of every result.
#include <stdint.h>
#define N_FULL 200
#define N_SMALL 100
#define EXPECT_FULL 0x8dddced9u
#define EXPECT_SMALL 0x038463e6u
#define N 200

static double a[N][N], b[N][N], c[N][N];

static uint32_t work(uint32_t n) {
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++) {
			a[i][j] = (double)((int)i + (int)j) / n;
			b[i][j] = (double)((int)i - (int)j) / n;
		}
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++) {
			double s = 0;
			for (uint32_t k = 0; k < n; k++) s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++) {
			union { double d; uint64_t u; } v = {c[i][j]};
			h = (h ^ (uint32_t)v.u ^ (uint32_t)(v.u >> 32)) * 16777619u;
		}
	return h;
}

#include "bench.h"

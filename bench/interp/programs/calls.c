// Call-heavy: calls and returns of every common shape, little work in each.
// Per round:
//   - tak(18, 12, 6): three-argument recursion, 63,609 calls;
//   - a dispatch loop calling one of eight two-argument functions through a
//     function pointer (call_indirect), 4,096 calls;
//   - a loop calling a six-argument leaf and a one-argument leaf directly;
//   - ackermann(2, 90) (up to ~180 frames deep) and a tree walk: a
//     recursion that returns two values through memory (a struct result).
#include <stdint.h>
#define N_FULL 400
#define N_SMALL 20
#define EXPECT_FULL 0x190ab5f5u
#define EXPECT_SMALL 0xc066fc70u

#define NOINLINE __attribute__((noinline))

NOINLINE static int32_t tak(int32_t x, int32_t y, int32_t z) {
	if (y >= x) return z;
	return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

typedef uint32_t (*binop)(uint32_t, uint32_t);
NOINLINE static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
NOINLINE static uint32_t op_sub(uint32_t a, uint32_t b) { return a - b; }
NOINLINE static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ (b * 3); }
NOINLINE static uint32_t op_rotl(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - b) & 31)); }
NOINLINE static uint32_t op_mul(uint32_t a, uint32_t b) { return a * (b | 1); }
NOINLINE static uint32_t op_min(uint32_t a, uint32_t b) { return a < b ? a + 7 : b + 11; }
NOINLINE static uint32_t op_mix(uint32_t a, uint32_t b) { return (a ^ (a >> 15)) + b; }
NOINLINE static uint32_t op_or(uint32_t a, uint32_t b) { return (a | b) - (a & b); }
static binop volatile ops[8] = {op_add, op_sub, op_xor, op_rotl, op_mul, op_min, op_mix, op_or};

NOINLINE static uint32_t dispatch(uint32_t seed, int n) {
	binop tab[8];
	for (int i = 0; i < 8; i++) tab[i] = ops[i];
	uint32_t acc = seed;
	for (int i = 0; i < n; i++) acc = tab[(acc ^ (uint32_t)i) & 7](acc, (uint32_t)i);
	return acc;
}

NOINLINE static uint64_t six(int32_t a, uint64_t b, int32_t c, int32_t d, int64_t e, int32_t f) {
	return ((uint64_t)a + b) * 3 - (uint64_t)(c ^ d) + (uint64_t)(e >> 1) - (uint64_t)f;
}

NOINLINE static uint32_t one(uint32_t x) { return x * 2654435761u >> 7; }

NOINLINE static uint64_t leaves(int n) {
	uint64_t acc = 0;
	for (int i = 0; i < n; i++) {
		acc += six(i, acc, i * 3, i ^ 5, (int64_t)i << 20, i + 1);
		acc ^= one((uint32_t)acc);
	}
	return acc;
}

NOINLINE static uint32_t ack(uint32_t m, uint32_t n) {
	if (m == 0) return n + 1;
	if (n == 0) return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

struct pair {
	uint32_t sum, count;
};

// walk visits an implicit binary tree of the given depth and returns a
// struct (through memory: the wasm32 C ABI passes it by pointer).
NOINLINE static struct pair walk(uint32_t node, int depth) {
	struct pair p = {node, 1};
	if (depth == 0) return p;
	struct pair l = walk(node * 2, depth - 1), r = walk(node * 2 + 1, depth - 1);
	p.sum += l.sum ^ r.sum;
	p.count += l.count + r.count;
	return p;
}

static uint32_t work(uint32_t rounds) {
	uint32_t h = 2166136261u;
	for (uint32_t r = 0; r < rounds; r++) {
		h = (h ^ (uint32_t)tak(18, 12, 6)) * 16777619u;
		h = (h ^ dispatch(h, 4096)) * 16777619u;
		uint64_t l = leaves(4096);
		h = (h ^ (uint32_t)l ^ (uint32_t)(l >> 32)) * 16777619u;
		h = (h ^ ack(2, 90 + (r & 1))) * 16777619u;
		struct pair p = walk(r, 12);
		h = (h ^ p.sum ^ p.count) * 16777619u;
	}
	return h;
}

#include "bench.h"

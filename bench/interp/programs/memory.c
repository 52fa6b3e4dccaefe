// Memory-heavy: loads and stores of every width dominate. Per round:
//   - an LSD radix sort of 64K 32-bit keys (four 8-bit passes: histogram,
//     prefix sums, scatter; 512 KiB of keys and scratch);
//   - an open-addressing hash table (64K slots of key/value, 512 KiB):
//     insert 40K keys with linear probing, then look up 40K present and
//     absent keys;
//   - a record pass over 16K packed 16-byte records (u8, i16, i32, i64
//     fields: sign- and zero-extending loads, narrow stores);
//   - byte copies and compares between two 64 KiB buffers, byte by byte.
#include <stdint.h>
#define N_FULL 16
#define N_SMALL 1
#define EXPECT_FULL 0x1d733588u
#define EXPECT_SMALL 0xc6340605u

#define KEYS (1 << 16)
#define SLOTS (1 << 16)
#define RECS (1 << 14)
#define BYTES (1 << 16)

static uint32_t keys[KEYS], tmp[KEYS];
static uint32_t count[256];
static uint32_t slot_key[SLOTS], slot_val[SLOTS];

struct rec {
	uint8_t flags;
	uint8_t tag;
	int16_t dx;
	int32_t y;
	int64_t z;
};
static struct rec recs[RECS];
static uint8_t src[BYTES], dst[BYTES];

static uint32_t x32 = 1;
static uint32_t xorshift(void) {
	x32 ^= x32 << 13;
	x32 ^= x32 >> 17;
	x32 ^= x32 << 5;
	return x32;
}

static uint32_t radix_sort(void) {
	for (int i = 0; i < KEYS; i++) keys[i] = xorshift();
	uint32_t *from = keys, *to = tmp;
	for (int shift = 0; shift < 32; shift += 8) {
		for (int i = 0; i < 256; i++) count[i] = 0;
		for (int i = 0; i < KEYS; i++) count[(from[i] >> shift) & 0xff]++;
		uint32_t sum = 0;
		for (int i = 0; i < 256; i++) {
			uint32_t c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (int i = 0; i < KEYS; i++) to[count[(from[i] >> shift) & 0xff]++] = from[i];
		uint32_t *t = from;
		from = to;
		to = t;
	}
	uint32_t h = 0, bad = 0;
	for (int i = 0; i < KEYS; i++) {
		if (i > 0 && from[i - 1] > from[i]) bad++;
		h = (h ^ from[i]) * 16777619u;
	}
	return h + bad;
}

static uint32_t hash(uint32_t k) { return (k * 2654435761u) >> 16; }

static uint32_t hash_table(uint32_t round) {
	for (int i = 0; i < SLOTS; i++) slot_key[i] = 0;
	uint32_t seed = round * 40503u + 1;
	for (uint32_t i = 0; i < 40000; i++) {
		uint32_t k = (seed + i * 7919u) | 1;
		uint32_t s = hash(k);
		while (slot_key[s] != 0 && slot_key[s] != k) s = (s + 1) & (SLOTS - 1);
		slot_key[s] = k;
		slot_val[s] = i;
	}
	uint32_t found = 0, sum = 0;
	for (uint32_t i = 0; i < 40000; i++) {
		// even i: a present key; odd i: most likely absent
		uint32_t k = (i & 1) ? (seed + i * 7919u) | 0x80000001u : (seed + i * 7919u) | 1;
		uint32_t s = hash(k);
		while (slot_key[s] != 0) {
			if (slot_key[s] == k) {
				found++;
				sum += slot_val[s];
				break;
			}
			s = (s + 1) & (SLOTS - 1);
		}
	}
	return found * 31 + sum;
}

static uint32_t records(uint32_t round) {
	if (round == 0)
		for (int i = 0; i < RECS; i++) {
			uint32_t r = xorshift();
			recs[i].flags = (uint8_t)r;
			recs[i].tag = (uint8_t)(r >> 8);
			recs[i].dx = (int16_t)(r >> 16);
			recs[i].y = (int32_t)r;
			recs[i].z = (int64_t)r << 7;
		}
	int64_t acc = 0;
	for (int i = 0; i < RECS; i++) {
		struct rec *p = &recs[i];
		if (p->flags & 1) {
			p->y = (int32_t)((uint32_t)p->y + (uint32_t)(int32_t)p->dx); // wraps
			p->z -= p->y;
		} else {
			p->dx = (int16_t)(p->dx ^ (int16_t)p->tag);
			p->z += p->dx;
		}
		p->flags = (uint8_t)(p->flags + p->tag);
		acc += p->z ^ p->y;
	}
	return (uint32_t)acc ^ (uint32_t)(acc >> 32);
}

static uint32_t bytes(uint32_t round) {
	for (int i = 0; i < BYTES; i++) src[i] = (uint8_t)(i * 7 + round);
	for (int i = 0; i < BYTES; i++) dst[i] = src[i];
	dst[(round * 977) & (BYTES - 1)] ^= 1;
	int first = -1;
	for (int i = 0; i < BYTES; i++)
		if (src[i] != dst[i]) {
			first = i;
			break;
		}
	// An overlapping backwards move, one byte at a time.
	for (int i = BYTES - 1; i >= 3; i--) dst[i] = dst[i - 3];
	uint32_t h = 0;
	for (int i = 0; i < BYTES; i += 61) h = h * 31 + dst[i];
	return h + (uint32_t)first;
}

static uint32_t work(uint32_t rounds) {
	x32 = 0x12345678u;
	uint32_t h = 2166136261u;
	for (uint32_t r = 0; r < rounds; r++) {
		h = (h ^ radix_sort()) * 16777619u;
		h = (h ^ hash_table(r)) * 16777619u;
		h = (h ^ records(r)) * 16777619u;
		h = (h ^ bytes(r)) * 16777619u;
	}
	return h;
}

#include "bench.h"

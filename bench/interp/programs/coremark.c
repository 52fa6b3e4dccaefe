// A CoreMark-style integer workload (our own code, not EEMBC's): each
// iteration runs four kernels over small data that stays in cache and folds
// their results into a CRC-16:
//
//   - list: a 128-node linked list in a pool; find keys, reverse it, merge
//     sort it by key and back by id (pointer chasing, short branches);
//   - matrix: 16x16 int16 matrices; add and scale by constants, multiply
//     into int32, matrix times vector, a bit-field extract, clipped sums;
//   - state machine: a 256-byte buffer of number-like tokens scanned by a
//     switch-based recogniser (integer, decimal, exponent, hex, word,
//     invalid), with a few bytes corrupted differently every iteration;
//   - crc: CRC-16/CCITT, bit by bit, over everything above.
#include <stdint.h>
#define N_FULL 1200
#define N_SMALL 60
#define EXPECT_FULL 0x414bee9bu
#define EXPECT_SMALL 0x696f70c7u

// ---- CRC-16/CCITT (polynomial 0x1021), one bit at a time ----

static uint16_t crc8(uint16_t crc, uint8_t b) {
	crc ^= (uint16_t)b << 8;
	for (int k = 0; k < 8; k++)
		crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	return crc;
}

static uint16_t crc16(uint16_t crc, uint16_t v) { return crc8(crc8(crc, (uint8_t)v), (uint8_t)(v >> 8)); }

static uint16_t crc32w(uint16_t crc, uint32_t v) { return crc16(crc16(crc, (uint16_t)v), (uint16_t)(v >> 16)); }

// A small linear congruential generator for the data.
static uint32_t rng;
static uint32_t next(void) {
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

// ---- list ----

#define LIST_N 128

struct node {
	struct node *next;
	int16_t key;
	uint16_t id;
};

static struct node pool[LIST_N];

static struct node *list_init(void) {
	for (int i = 0; i < LIST_N; i++) {
		pool[i].key = (int16_t)(next() & 0x3ff) - 0x200;
		pool[i].id = (uint16_t)i;
		pool[i].next = i + 1 < LIST_N ? &pool[i + 1] : 0;
	}
	return &pool[0];
}

static struct node *list_find(struct node *h, int16_t key, int *pos) {
	int i = 0;
	for (; h; h = h->next, i++)
		if (h->key == key) break;
	*pos = h ? i : -1;
	return h;
}

static struct node *list_reverse(struct node *h) {
	struct node *r = 0;
	while (h) {
		struct node *n = h->next;
		h->next = r;
		r = h;
		h = n;
	}
	return r;
}

static int before(const struct node *a, const struct node *b, int bykey) {
	if (bykey) return a->key < b->key || (a->key == b->key && a->id <= b->id);
	return a->id <= b->id;
}

// Bottom-up merge sort of a linked list: runs of width 1, 2, 4, ...
static struct node *list_sort(struct node *h, int bykey) {
	for (int width = 1;; width *= 2) {
		struct node *p = h, *tail = 0;
		int merges = 0;
		h = 0;
		while (p) {
			merges++;
			struct node *q = p;
			int psize = 0;
			for (int i = 0; i < width && q; i++) {
				psize++;
				q = q->next;
			}
			int qsize = width;
			while (psize > 0 || (qsize > 0 && q)) {
				struct node *e;
				if (psize == 0) {
					e = q, q = q->next, qsize--;
				} else if (qsize == 0 || !q || before(p, q, bykey)) {
					e = p, p = p->next, psize--;
				} else {
					e = q, q = q->next, qsize--;
				}
				if (tail)
					tail->next = e;
				else
					h = e;
				tail = e;
			}
			p = q;
		}
		tail->next = 0;
		if (merges <= 1) return h;
	}
}

static struct node *list_head;

static uint16_t list_step(uint32_t iter, uint16_t crc) {
	struct node *h = list_head;
	int found = 0, missed = 0;
	for (int j = 0; j < 6; j++) {
		int pos;
		int16_t key = (int16_t)(((iter * 7 + (uint32_t)j * 97) & 0x3ff) - 0x200);
		struct node *n = list_find(h, key, &pos);
		if (n) {
			found += pos;
			n->key = (int16_t)(n->key ^ (int16_t)(iter & 0xff));
		} else {
			missed++;
		}
		if (j & 1) h = list_reverse(h);
	}
	h = list_sort(h, 1);
	int i = 0;
	for (struct node *n = h; n && i < 16; n = n->next, i++) crc = crc16(crc, (uint16_t)n->key);
	h = list_sort(h, 0);
	crc = crc16(crc, (uint16_t)(found * 4 + missed));
	list_head = h;
	return crc;
}

// ---- matrix ----

#define MAT_N 16

static int16_t ma[MAT_N * MAT_N], mb[MAT_N * MAT_N];
static int32_t mc[MAT_N * MAT_N];

static void mat_init(void) {
	for (int i = 0; i < MAT_N * MAT_N; i++) {
		ma[i] = (int16_t)((next() & 0xff) - 0x80);
		mb[i] = (int16_t)((next() & 0xff) - 0x80);
	}
}

static void mat_add_const(int16_t *m, int16_t v) {
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) m[i * MAT_N + j] = (int16_t)(m[i * MAT_N + j] + v);
}

static void mat_mul_const(int32_t *c, const int16_t *m, int16_t v) {
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) c[i * MAT_N + j] = (int32_t)m[i * MAT_N + j] * v;
}

static void mat_mul_vect(int32_t *c, const int16_t *m, const int16_t *v) {
	for (int i = 0; i < MAT_N; i++) {
		int32_t s = 0;
		for (int j = 0; j < MAT_N; j++) s += (int32_t)m[i * MAT_N + j] * v[j];
		c[i] = s;
	}
}

static void mat_mul_mat(int32_t *c, const int16_t *x, const int16_t *y) {
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++) s += (int32_t)x[i * MAT_N + k] * y[k * MAT_N + j];
			c[i * MAT_N + j] = s;
		}
}

static void mat_mul_mat_bits(int32_t *c, const int16_t *x, const int16_t *y) {
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++) {
				int32_t t = (int32_t)x[i * MAT_N + k] * y[k * MAT_N + j];
				s += ((t >> 2) & 0xf) * ((t >> 5) & 0x7f);
			}
			c[i * MAT_N + j] = s;
		}
}

// mat_sum counts how often a running sum crosses clip and folds it in.
static int16_t mat_sum(const int32_t *c, int32_t clip) {
	int32_t cur = 0, prev = 0;
	int16_t r = 0;
	for (int i = 0; i < MAT_N * MAT_N; i++) {
		cur += c[i];
		if (cur > clip) {
			r += 10;
			cur = 0;
		} else {
			r += (cur > prev) ? 1 : 0;
		}
		prev = cur;
	}
	return r;
}

static uint16_t mat_step(uint32_t iter, uint16_t crc) {
	int16_t v = (int16_t)((iter & 0x1f) + 1);
	mat_add_const(ma, v);
	mat_mul_const(mc, ma, v);
	crc = crc16(crc, (uint16_t)mat_sum(mc, 2000));
	mat_mul_vect(mc, ma, mb + (iter & 7) * MAT_N);
	crc = crc16(crc, (uint16_t)mat_sum(mc, 20000));
	mat_mul_mat(mc, ma, mb);
	crc = crc16(crc, (uint16_t)mat_sum(mc, 200000));
	mat_mul_mat_bits(mc, ma, mb);
	crc = crc16(crc, (uint16_t)mat_sum(mc, 2000));
	mat_add_const(ma, (int16_t)-v);
	return crc;
}

// ---- state machine ----

#define SM_LEN 256

enum { S_START, S_SIGN, S_INT, S_ZERO, S_HEX, S_DOT, S_FRAC, S_E, S_ESIGN, S_EXP, S_WORD, S_BAD, S_NUM };

static uint8_t text[SM_LEN];

static void sm_init(void) {
	static const char *const words[] = {"42", "-7", "+310", "0x1f", "0xBEEF", "3.25", "-0.5", ".75", "6e10", "1.5e-3", "-2E+8", "abc", "x9", "1.2.3", "0xg", "7e", "--1", "99"};
	int n = 0, w = 0;
	while (n < SM_LEN - 1) {
		const char *s = words[(next() >> 3) % (sizeof words / sizeof words[0])];
		while (*s && n < SM_LEN - 1) text[n++] = (uint8_t)*s++;
		if (n < SM_LEN - 1) text[n++] = (w++ % 5 == 4) ? ';' : ',';
	}
	text[SM_LEN - 1] = 0;
}

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static int is_hex(uint8_t c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_alpha(uint8_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// sm_token scans one token from *p up to a separator and returns its final
// state; transitions counts every state change.
static int sm_token(const uint8_t **p, uint32_t *transitions) {
	const uint8_t *s = *p;
	int st = S_START;
	for (; *s && *s != ',' && *s != ';'; s++) {
		uint8_t c = *s;
		int prev = st;
		switch (st) {
		case S_START:
			if (c == '0') st = S_ZERO;
			else if (is_digit(c)) st = S_INT;
			else if (c == '+' || c == '-') st = S_SIGN;
			else if (c == '.') st = S_DOT;
			else if (is_alpha(c)) st = S_WORD;
			else st = S_BAD;
			break;
		case S_SIGN:
			if (is_digit(c)) st = S_INT;
			else if (c == '.') st = S_DOT;
			else st = S_BAD;
			break;
		case S_ZERO:
			if (c == 'x' || c == 'X') st = S_HEX;
			else if (is_digit(c)) st = S_INT;
			else if (c == '.') st = S_FRAC;
			else st = S_BAD;
			break;
		case S_INT:
			if (is_digit(c)) break;
			if (c == '.') st = S_FRAC;
			else if (c == 'e' || c == 'E') st = S_E;
			else st = S_BAD;
			break;
		case S_HEX:
			if (!is_hex(c)) st = S_BAD;
			break;
		case S_DOT:
			st = is_digit(c) ? S_FRAC : S_BAD;
			break;
		case S_FRAC:
			if (is_digit(c)) break;
			st = (c == 'e' || c == 'E') ? S_E : S_BAD;
			break;
		case S_E:
			if (c == '+' || c == '-') st = S_ESIGN;
			else st = is_digit(c) ? S_EXP : S_BAD;
			break;
		case S_ESIGN:
			st = is_digit(c) ? S_EXP : S_BAD;
			break;
		case S_EXP:
			if (!is_digit(c)) st = S_BAD;
			break;
		case S_WORD:
			if (!is_alpha(c) && !is_digit(c)) st = S_BAD;
			break;
		default:
			break;
		}
		if (st != prev) (*transitions)++;
	}
	if (*s) s++;
	*p = s;
	return st;
}

static uint16_t sm_step(uint32_t iter, uint16_t crc) {
	uint32_t finals[S_NUM] = {0}, transitions = 0;
	// Corrupt a few bytes, scan, and restore them.
	uint8_t saved[4];
	int at[4];
	for (int k = 0; k < 4; k++) {
		at[k] = (int)((iter * 37 + (uint32_t)k * 61) % (SM_LEN - 1));
		saved[k] = text[at[k]];
		if (text[at[k]] != ',' && text[at[k]] != ';') text[at[k]] = (uint8_t)(text[at[k]] ^ (uint8_t)(iter >> 2 & 0x1));
	}
	for (int pass = 0; pass < 2; pass++) {
		const uint8_t *p = text;
		while (*p) finals[sm_token(&p, &transitions)]++;
	}
	for (int k = 3; k >= 0; k--) text[at[k]] = saved[k];
	for (int s = 0; s < S_NUM; s++) crc = crc16(crc, (uint16_t)finals[s]);
	return crc16(crc, (uint16_t)transitions);
}

// ---- driver ----

static uint32_t work(uint32_t iters) {
	rng = 0x2545f491u;
	list_head = list_init();
	mat_init();
	sm_init();
	uint16_t crc = 0xffff;
	uint32_t acc = 0;
	for (uint32_t i = 0; i < iters; i++) {
		crc = list_step(i, crc);
		crc = mat_step(i, crc);
		crc = sm_step(i, crc);
		acc = acc * 31 + crc;
	}
	// A final pass over the data structures themselves.
	for (struct node *n = list_head; n; n = n->next) crc = crc32w(crc, ((uint32_t)n->id << 16) | (uint16_t)n->key);
	return ((uint32_t)crc << 16) ^ acc;
}

#include "bench.h"

// tables.c: initialised data (passive segments under shared memory),
// function pointers (call_indirect through the table) and a start-time
// initialiser. Built by internal/compilertest; must decode and validate.
#include <stdint.h>

typedef uint32_t (*op_fn)(uint32_t, uint32_t);

static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * b; }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }

static op_fn ops[] = {op_add, op_mul, op_xor};
static const char greeting[] = "hello from watt's C fixture";
static uint64_t squares[16] = {0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225};

__attribute__((export_name("apply")))
uint32_t apply(uint32_t which, uint32_t a, uint32_t b) {
	return ops[which % 3](a, b);
}

__attribute__((export_name("greeting_byte")))
uint32_t greeting_byte(uint32_t i) {
	return i < sizeof greeting ? (uint8_t)greeting[i] : 0;
}

__attribute__((export_name("square")))
uint64_t square(uint32_t i) { return squares[i & 15]; }

__attribute__((export_name("copy")))
void copy(uint8_t *dst, const uint8_t *src, uint32_t n) {
	// Lowered to memory.copy with -mbulk-memory.
	__builtin_memcpy(dst, src, n);
}

__attribute__((export_name("fdiv")))
double fdiv(double a, double b) { return a / b; }

__attribute__((export_name("sat")))
int32_t sat(float f) { return __builtin_wasm_trunc_saturate_s_i32_f32(f); }

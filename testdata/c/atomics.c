// atomics.c: freestanding C using C11 atomics on a shared, imported memory.
// Built by internal/compilertest with clang --target=wasm32 -matomics
// -mbulk-memory; the result must decode and validate.
#include <stdatomic.h>
#include <stdint.h>

static _Atomic uint32_t counter;
static _Atomic uint64_t total;
static _Atomic uint8_t flag8;
static _Atomic uint16_t flag16;
static uint8_t buffer[256];

__attribute__((export_name("add")))
uint32_t add(uint32_t n) {
	atomic_fetch_add_explicit(&total, n, memory_order_seq_cst);
	return atomic_fetch_add(&counter, 1) + 1;
}

__attribute__((export_name("swap8")))
uint32_t swap8(uint32_t v) { return atomic_exchange(&flag8, (uint8_t)v); }

__attribute__((export_name("cas16")))
int cas16(uint32_t expect, uint32_t v) {
	uint16_t e = (uint16_t)expect;
	return atomic_compare_exchange_strong(&flag16, &e, (uint16_t)v);
}

__attribute__((export_name("fence")))
void fence(void) { atomic_thread_fence(memory_order_seq_cst); }

__attribute__((export_name("wait")))
int wait(uint32_t expect, int64_t timeout) {
	return __builtin_wasm_memory_atomic_wait32((int *)&counter, (int)expect, timeout);
}

__attribute__((export_name("wake")))
uint32_t wake(uint32_t n) {
	return __builtin_wasm_memory_atomic_notify((int *)&counter, n);
}

__attribute__((export_name("clear")))
void clear(uint32_t n) {
	// Lowered to memory.fill with -mbulk-memory.
	__builtin_memset(buffer, 0, n < sizeof buffer ? n : sizeof buffer);
}

__attribute__((export_name("total")))
uint64_t get_total(void) { return atomic_load(&total); }

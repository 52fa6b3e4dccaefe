// Recursive Fibonacci, fib(35): call-heavy (one call and one return per
// five wasm instructions).
#include <stdint.h>
#define N_FULL 35
#define N_SMALL 27
#define EXPECT_FULL 9227465u
#define EXPECT_SMALL 196418u

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t work(uint32_t n) { return fib(n); }

#include "bench.h"

// Does nothing: the harness times each engine's process start, module load
// and one call on it, to show how much of a peer's time is not the workload.
#include <stdint.h>
#define N_FULL 0
#define N_SMALL 0
#define EXPECT_FULL 0u
#define EXPECT_SMALL 0u

static uint32_t work(uint32_t n) { return n; }

#include "bench.h"

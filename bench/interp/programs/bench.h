// Shared by the benchmark programs. Each program defines
//
//	static uint32_t work(uint32_t n);   the workload, n its size
//	N_FULL, N_SMALL                      sizes of run in the full and -small builds
//	EXPECT_FULL, EXPECT_SMALL            work's checksum at those sizes
//
// and includes this file last. The exported run() reads its size from a
// volatile (so the compiler cannot specialise or precompute the work),
// traps (unreachable) when the checksum is wrong, and returns it: a wrong
// interpreter cannot look fast. build.sh compiles each program twice
// (X.wasm, and X-small.wasm with -DSMALL for instruction counting under
// valgrind) and, with -DNATIVE, once for the host to print both checksums.
#ifdef SMALL
#define N_RUN N_SMALL
#define EXPECT EXPECT_SMALL
#else
#define N_RUN N_FULL
#define EXPECT EXPECT_FULL
#endif

#ifdef NATIVE
#include <stdio.h>
int main(void) {
	printf("full  n=%u checksum=0x%08x (expect 0x%08x)\n", (unsigned)N_FULL, (unsigned)work(N_FULL), (unsigned)EXPECT_FULL);
	printf("small n=%u checksum=0x%08x (expect 0x%08x)\n", (unsigned)N_SMALL, (unsigned)work(N_SMALL), (unsigned)EXPECT_SMALL);
	return work(N_FULL) != EXPECT_FULL || work(N_SMALL) != EXPECT_SMALL;
}
#else
static volatile uint32_t run_size = N_RUN;

__attribute__((export_name("run"))) uint32_t run(void) {
	uint32_t r = work(run_size);
	if (r != EXPECT)
		__builtin_trap();
	return r;
}
#endif

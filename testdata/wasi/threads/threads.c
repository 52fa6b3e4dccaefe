// threads.c: a freestanding wasi-threads command (no libc). _start spawns
// ten threads with "wasi" "thread-spawn"; each prints "in thread N", then
// adds to a counter 1,000 times under a futex mutex
// (__builtin_wasm_memory_atomic_wait32/notify) and 1,000 times with an
// atomic add, and records per-thread data. _start sleeps on a done counter
// until all ten are done and prints the totals.
//
// Build (see build.sh): clang --target=wasm32 -O2 -matomics -mbulk-memory
// -nostdlib, linked with an imported shared memory; start.s provides
// wasi_thread_start, which gives each thread its own stack before any C
// runs (__stack_pointer is a global of each instance, and a new instance's
// copy still points at the main thread's stack).
#include <stdint.h>

#define NTHREADS 10
#define ITERATIONS 1000
#define STACK_SIZE 8192

__attribute__((import_module("wasi"), import_name("thread-spawn")))
int32_t thread_spawn(void *start_arg);

struct ciovec {
	const void *buf;
	uint32_t len;
};

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int32_t fd_write(int32_t fd, const struct ciovec *iovs, int32_t n, uint32_t *written);

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit"), noreturn))
void proc_exit(int32_t status);

// start_arg layout: start.s loads the stack top from offset 0.
struct thread {
	void *stack_top;
	int index;
	int32_t tid;
	int32_t seen_tid; // the tid wasi_thread_start received
	int sum;          // per-thread data: sum of this thread's i
};

static struct thread threads[NTHREADS];
static _Alignas(16) char stacks[NTHREADS][STACK_SIZE];

static int32_t mutex;   // 0 unlocked, 1 locked, 2 locked with waiters
static int counter;     // protected by mutex
static int32_t atomic_counter;
static int32_t done;

static void lock(int32_t *m) {
	int32_t c = __sync_val_compare_and_swap(m, 0, 1);
	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, __ATOMIC_SEQ_CST);
	while (c != 0) {
		__builtin_wasm_memory_atomic_wait32(m, 2, -1);
		c = __atomic_exchange_n(m, 2, __ATOMIC_SEQ_CST);
	}
}

static void unlock(int32_t *m) {
	if (__atomic_fetch_sub(m, 1, __ATOMIC_SEQ_CST) != 1) {
		__atomic_store_n(m, 0, __ATOMIC_SEQ_CST);
		__builtin_wasm_memory_atomic_notify(m, 1);
	}
}

static void write_all(const char *s, uint32_t n) {
	struct ciovec iov = {s, n};
	uint32_t written;
	fd_write(1, &iov, 1, &written);
}

// format appends the decimal n to buf and returns the new end.
static char *format(char *p, unsigned n) {
	char tmp[12];
	int i = 0;
	do {
		tmp[i++] = '0' + n % 10;
		n /= 10;
	} while (n);
	while (i)
		*p++ = tmp[--i];
	return p;
}

static char *append(char *p, const char *s) {
	while (*s)
		*p++ = *s++;
	return p;
}

// thread_main runs on the thread's own stack (line is a stack buffer).
void thread_main(int32_t tid, struct thread *t) {
	char line[32];
	char *p = append(line, "in thread ");
	p = format(p, t->index);
	*p++ = '\n';
	write_all(line, p - line);

	t->seen_tid = tid;
	for (int i = 0; i < ITERATIONS; i++) {
		lock(&mutex);
		counter++;
		unlock(&mutex);
		__atomic_fetch_add(&atomic_counter, 1, __ATOMIC_SEQ_CST);
		t->sum += i;
	}
	__atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
	__builtin_wasm_memory_atomic_notify(&done, 1);
}

void _start(void) {
	for (int i = 0; i < NTHREADS; i++) {
		threads[i].stack_top = stacks[i] + STACK_SIZE;
		threads[i].index = i;
		threads[i].tid = thread_spawn(&threads[i]);
		if (threads[i].tid <= 0)
			proc_exit(2);
	}
	for (;;) {
		int32_t d = __atomic_load_n(&done, __ATOMIC_SEQ_CST);
		if (d == NTHREADS)
			break;
		__builtin_wasm_memory_atomic_wait32(&done, d, -1);
	}
	int ok = 1;
	for (int i = 0; i < NTHREADS; i++) {
		if (threads[i].seen_tid != threads[i].tid || threads[i].sum != ITERATIONS * (ITERATIONS - 1) / 2)
			ok = 0;
		for (int j = 0; j < i; j++)
			if (threads[j].tid == threads[i].tid)
				ok = 0; // tids must be unique
	}
	char line[80];
	char *p = append(line, "count: ");
	p = format(p, counter);
	p = append(p, " atomic: ");
	p = format(p, atomic_counter);
	p = append(p, ok ? " tids and per-thread data ok\n" : " per-thread data WRONG\n");
	write_all(line, p - line);
	proc_exit(ok && counter == NTHREADS * ITERATIONS ? 0 : 1);
}

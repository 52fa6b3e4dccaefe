// Recursive Fibonacci, fib(35): call-heavy.
__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((export_name("run"))) int run(void) { return fib(35); }

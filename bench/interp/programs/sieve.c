// Byte sieve of Eratosthenes over a 1 MiB buffer, 4 times.
static unsigned char flags[1 << 20];
__attribute__((export_name("run"))) int run(void) {
	const int reps = 4;
	int count = 0;
	for (int r = 0; r < reps; r++) {
		count = 0;
		for (int i = 0; i < (int)sizeof flags; i++) flags[i] = 1;
		for (int i = 2; i < (int)sizeof flags; i++) {
			if (flags[i]) {
				count++;
				for (int k = i + i; k < (int)sizeof flags; k += i) flags[k] = 0;
			}
		}
	}
	return count;
}

// One 200x200 f64 matrix multiply.
#define N 200
static double a[N][N], b[N][N], c[N][N];
__attribute__((export_name("run"))) double run(void) {
	const int reps = 1;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (double)(i + j) / N;
			b[i][j] = (double)(i - j) / N;
		}
	double sum = 0;
	for (int r = 0; r < reps; r++) {
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++) {
				double s = 0;
				for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
				c[i][j] = s;
			}
		sum += c[r % N][(r * 7) % N];
	}
	return sum;
}

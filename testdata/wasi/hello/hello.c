// hello.c: a wasm32-wasi C program on Debian's wasi-libc. It exercises
// printf, arguments, the environment, stdin, and files and directories in
// the preopened directory /sandbox (fopen, fprintf, fseek, fread, opendir,
// rename, unlink, mkdir, rmdir), and shows that the sandbox holds: opening
// a path above /sandbox fails.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what) {
	printf("FAIL %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv) {
	printf("hello, %s! argc=%d\n", argc > 1 ? argv[1] : "nobody", argc);
	const char *who = getenv("WHO");
	printf("WHO=%s\n", who ? who : "(unset)");

	char line[128];
	if (fgets(line, sizeof line, stdin))
		printf("stdin: %s", line);

	FILE *f = fopen("/sandbox/note.txt", "w+");
	if (!f)
		return fail("fopen");
	fprintf(f, "%d squared is %d\n", 12, 144);
	fseek(f, 0, SEEK_SET);
	char buf[64] = {0};
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	printf("read back %zu bytes: %s", n, buf);

	if (mkdir("/sandbox/sub", 0755) != 0)
		return fail("mkdir");
	if (rename("/sandbox/note.txt", "/sandbox/sub/note.txt") != 0)
		return fail("rename");
	struct stat st;
	if (stat("/sandbox/sub/note.txt", &st) != 0)
		return fail("stat");
	printf("size %lld\n", (long long)st.st_size);

	DIR *d = opendir("/sandbox/sub");
	if (!d)
		return fail("opendir");
	struct dirent *e;
	int entries = 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			printf("entry %s\n", e->d_name), entries++;
	closedir(d);

	if (unlink("/sandbox/sub/note.txt") != 0 || rmdir("/sandbox/sub") != 0)
		return fail("cleanup");

	if (fopen("/sandbox/../etc/passwd", "r") != NULL)
		printf("ESCAPED the sandbox\n");
	else
		printf("escape refused: %s\n", strerror(errno));
	if (fopen("/etc/passwd", "r") != NULL)
		printf("ESCAPED the sandbox\n");
	else
		printf("absolute path refused: %s\n", strerror(errno));
	return entries == 1 ? 0 : 1;
}

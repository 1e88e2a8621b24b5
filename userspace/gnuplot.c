// SPDX-License-Identifier: GPL-2.0
/*
 * Drawing with gnuplot, for bench --plot and map --png/--svg.
 */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "gnuplot.h"

extern char **environ;

void gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

bool file_has_ext(const char *path, const char *ext)
{
	const char *dot = strrchr(path, '.');

	return dot && !strcasecmp(dot + 1, ext);
}

void gp_terminal(FILE *f, const char *out, unsigned int w, unsigned int h)
{
	if (file_has_ext(out, "svg"))
		fprintf(f, "set terminal svg size %u,%u dynamic noenhanced font 'sans,12'\n", w, h);
	else
		fprintf(f, "set terminal pngcairo size %u,%u noenhanced font 'sans,10'\n", w, h);
	fputs("set output ", f);
	gp_quote(f, out);
	fputc('\n', f);
}

/* A temporary file "kmemlab-plot-XXXXXX" opened for writing, or NULL. */
static FILE *temp_file(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, len, "%s/kmemlab-plot-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
	}
	return f;
}

/* Run gnuplot on @script; 0, or an errno (ENOENT: no gnuplot) or -1 when it failed. */
static int gnuplot(const char *script)
{
	char *argv[] = { "gnuplot", (char *)script, NULL };
	int status, err;
	pid_t pid;

	err = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
	if (err)
		return err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

int gp_draw(const char *cmd, const char *out, void (*data)(FILE *f, void *ctx),
	    void (*script)(FILE *f, const char *data_path, void *ctx), void *ctx)
{
	char data_path[256], script_path[256];
	bool have_data = false, have_script = false;
	FILE *df = NULL, *sf = NULL;
	struct stat st;
	int err = 0, e1, e2;

	df = temp_file(data_path, sizeof(data_path));
	if (!df) {
		err = errno;
		goto out;
	}
	have_data = true;
	sf = temp_file(script_path, sizeof(script_path));
	if (!sf) {
		err = errno;
		goto out;
	}
	have_script = true;
	data(df, ctx);
	script(sf, data_path, ctx);
	e1 = fclose(df);
	e2 = fclose(sf);
	df = sf = NULL;
	err = e1 || e2 ? EIO : gnuplot(script_path);
out:
	if (df)
		fclose(df);
	if (sf)
		fclose(sf);
	if (have_data)
		unlink(data_path);
	if (have_script)
		unlink(script_path);
	if (err == ENOENT)
		return err_fail(cmd, ENOENT, "install gnuplot (Debian: gnuplot-nox)",
				"cannot draw %s: gnuplot is not on PATH", out);
	if (err > 0)
		return err_fail(cmd, err, NULL, "cannot draw %s: %s", out, strerror(err));
	if (err < 0 || stat(out, &st) || !st.st_size)
		return err_fail(cmd, EIO, "gnuplot's messages above say why",
				"gnuplot did not write %s", out);
	return EXIT_SUCCESS;
}

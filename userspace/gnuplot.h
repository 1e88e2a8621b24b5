/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drawing with gnuplot: a data file and a script in temporary files, run
 * once, checked for the picture it should have written.
 */
#ifndef KMEMLAB_GNUPLOT_H
#define KMEMLAB_GNUPLOT_H

#include <stdbool.h>
#include <stdio.h>

/* Write @s to @f as a gnuplot single-quoted string. */
void gp_quote(FILE *f, const char *s);

/* Does @path end in ".@ext", in any case? */
bool file_has_ext(const char *path, const char *ext);

/* The terminal line for @out by its extension (.svg, else PNG), @w x @h pixels. */
void gp_terminal(FILE *f, const char *out, unsigned int w, unsigned int h);

/*
 * Draw @out: @data(f, ctx) writes the data file, @script(f, data_path,
 * ctx) the script that plots it into @out. Errors are printed for command
 * @cmd (no gnuplot, nothing written). Returns EXIT_SUCCESS or EXIT_FAILURE.
 */
int gp_draw(const char *cmd, const char *out, void (*data)(FILE *f, void *ctx),
	    void (*script)(FILE *f, const char *data_path, void *ctx), void *ctx);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Shell completion: 'kmemlab __complete WORD...' walks the words as the
 * command line would be parsed (global options, the command, its options and
 * their arguments) and prints what may stand in for the last word: commands,
 * options, the names of the table an option takes (APIs, GFP flags,
 * contexts, DMA modes and directions), columns for -o, live handles, devices,
 * or ":files". Everything comes from the tables the CLI runs on.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "complete.h"
#include "ioctl.h"
#include "names.h"
#include "parse.h"
#include "sysfs.h"

/* An option as completion sees it: a command's row or a global option. */
struct copt {
	const char *name;
	int key;
	const char *arg;	/* argument name; NULL when it takes none */
};

struct words {
	char **w;
	int n;			/* w[n - 1] is the word being completed */
	int i;			/* the next word to read */
	const struct cmd *cmd;	/* NULL before the command */
	unsigned int device;	/* from -d, else $KMEMLAB_DEVICE, else 0 */
	struct copt opts[CLI_MAX_OPTS + 1];
	size_t nopts;
};

/* What every candidate is printed after: "--api=" when completing in one word. */
static const char *out_prefix = "";

void complete_word(const char *cur, const char *word)
{
	if (!strncmp(word, cur, strlen(cur)))
		printf("%s%s\n", out_prefix, word);
}

/*
 * One item of a list ("GFP_KERNEL,__GFP_ZE", "+ZONE,SE"): offer @word after
 * the items already given, unless it is one of them.
 */
static void complete_item(const char *cur, const char *word)
{
	size_t head = cur[0] == '+', len;
	const char *item;

	for (const char *p = cur; *p; p++)
		if (*p == ',' || *p == '|')
			head = (size_t)(p - cur) + 1;
	for (item = cur + (cur[0] == '+'); item < cur + head; item += len + 1) {
		len = strcspn(item, ",|");
		if (len == strlen(word) && !strncasecmp(item, word, len))
			return;
	}
	if (!strncmp(word, cur + head, strlen(cur + head)))
		printf("%s%.*s%s\n", out_prefix, (int)head, cur, word);
}

static const struct name_table *option_table(const char *name)
{
	for (size_t i = 0; name_tables[i]; i++)
		if (name_tables[i]->option && !strcmp(name_tables[i]->option, name))
			return name_tables[i];
	return NULL;
}

static void complete_devices(const char *cur)
{
	unsigned int *ids = NULL;
	size_t count = 0;
	char id[16];

	if (device_list(&ids, &count))
		return;
	for (size_t i = 0; i < count; i++) {
		snprintf(id, sizeof(id), "%u", ids[i]);
		complete_word(cur, id);
	}
	free(ids);
}

static void complete_handles(const char *cur, unsigned int device)
{
	struct kmemlab_report *reports = NULL;
	size_t count = 0;
	char handle[16];
	int fd;

	if (kml_open(device, &fd))
		return;
	if (!kml_list(fd, &reports, &count)) {
		for (size_t i = 0; i < count; i++) {
			snprintf(handle, sizeof(handle), "%u", reports[i].handle);
			complete_word(cur, handle);
		}
	}
	free(reports);
	close(fd);
}

/* The argument of option @o. */
static void complete_value(const struct words *s, const struct copt *o, const char *cur)
{
	const struct cmd *c = s->cmd;
	const struct name_table *t = option_table(o->name);

	if (o->key == 'd') {
		complete_devices(cur);
	} else if (c && o->key == 'o' && (c->flags & CMD_COLUMNS) && c->columns) {
		for (size_t i = 0; i < c->columns->count; i++)
			complete_item(cur, c->columns->cols[i].name);
	} else if (t) {
		/* The driver's names when the module is loaded, else the CLI's. */
		names_load_device(s->device);
		for (size_t i = 0; i < t->count; i++)
			complete_item(cur, name_at(t, i)->name);
	} else if (!strcmp(o->arg, "PATH") || !strcmp(o->arg, "FILE")) {
		puts(":files");
	}
}

static void add_row(const struct cli_opt *o, void *data)
{
	struct words *s = data;

	if (s->nopts < CLI_MAX_OPTS)
		s->opts[s->nopts++] = (struct copt){ o->name, o->key, o->arg };
}

static const struct copt *by_name(const struct words *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (strlen(s->opts[i].name) == len && !strncmp(s->opts[i].name, name, len))
			return &s->opts[i];
	return NULL;
}

static const struct copt *by_key(const struct words *s, int key)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (s->opts[i].key == key)
			return &s->opts[i];
	return NULL;
}

/* Note what an option's value means for later words. */
static void took(struct words *s, const struct copt *o, const char *value)
{
	unsigned int id;

	if (o->key == 'd' && value && !parse_device(value, &id))
		s->device = id;
}

/*
 * The words after option @o, which takes a value: true when that value is
 * the word being completed (then completed), else the value is skipped.
 * Bash splits "--api=x" into "--api", "=", "x".
 */
static bool option_value(struct words *s, const struct copt *o)
{
	if (s->i < s->n - 1 && !strcmp(s->w[s->i], "="))
		s->i++;
	else if (s->i == s->n - 1 && !strcmp(s->w[s->i], "=")) {
		complete_value(s, o, "");
		return true;
	}
	if (s->i == s->n - 1) {
		complete_value(s, o, s->w[s->i]);
		return true;
	}
	took(s, o, s->w[s->i++]);
	return false;
}

/* Read the option word w[i - 1]; true when the completion is done. */
static bool option(struct words *s, const char *w)
{
	const struct copt *o;

	if (w[1] == '-') {
		size_t len = strcspn(w + 2, "=");

		o = by_name(s, w + 2, len);
		if (!o || !o->arg)
			return false;
		if (w[2 + len] == '=') {
			took(s, o, w + 3 + len);
			return false;
		}
		return option_value(s, o);
	}
	for (const char *k = w + 1; *k; k++) {
		o = by_key(s, (unsigned char)*k);
		if (!o || !o->arg)
			continue;
		if (k[1]) {
			took(s, o, k + 1);
			return false;
		}
		return option_value(s, o);
	}
	return false;
}

/* The word being completed starts with '-'. */
static void complete_option(const struct words *s, const char *cur)
{
	char buf[64];

	if (cur[1] == '-' && strchr(cur, '=')) {
		size_t len = strcspn(cur + 2, "=");
		const struct copt *o = by_name(s, cur + 2, len);

		if (o && o->arg) {
			snprintf(buf, sizeof(buf), "--%.*s=", (int)len, cur + 2);
			out_prefix = buf;
			complete_value(s, o, cur + 3 + len);
			out_prefix = "";
		}
		return;
	}
	for (size_t i = 0; i < s->nopts; i++) {
		snprintf(buf, sizeof(buf), "--%s", s->opts[i].name);
		complete_word(cur, buf);
	}
}

static void complete_commands(const char *cur)
{
	for (size_t i = 0; commands[i]; i++) {
		complete_word(cur, commands[i]->name);
		if (commands[i]->alias)
			complete_word(cur, commands[i]->alias);
	}
	complete_word(cur, "help");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(name, commands[i]->name) ||
		    (commands[i]->alias && !strcmp(name, commands[i]->alias)))
			return commands[i];
	return NULL;
}

/* A positional argument of the command. */
static void complete_arg(const struct words *s, const char *cur)
{
	const struct cmd *c = s->cmd;
	size_t len = c->args ? strcspn(c->args, " .") : 0;

	if (c->complete)
		c->complete(cur);
	else if (len == 6 && !strncmp(c->args, "HANDLE", len))
		complete_handles(cur, s->device);
	else if (len == 6 && !strncmp(c->args, "DEVICE", len))
		complete_devices(cur);
}

/* Global options, then the command word; false when the completion is done. */
static bool global_words(struct words *s, const struct option *global)
{
	for (; global->name && s->nopts < CLI_MAX_OPTS; global++)
		s->opts[s->nopts++] = (struct copt){
			global->name, global->val,
			global->has_arg == required_argument ? "N" : NULL,
		};
	while (s->i < s->n - 1 && s->w[s->i][0] == '-' && s->w[s->i][1]) {
		const char *w = s->w[s->i++];

		if (!strcmp(w, "--"))
			break;
		if (option(s, w))
			return false;
	}
	if (s->i == s->n - 1) {
		if (s->w[s->i][0] == '-')
			complete_option(s, s->w[s->i]);
		else
			complete_commands(s->w[s->i]);
		return false;
	}
	return true;
}

int complete_main(int argc, char **argv, const struct option *global)
{
	static struct words s;
	const char *env = getenv(KMEMLAB_DEVICE_ENV);
	static char none[1], *empty[] = { none, NULL };
	bool dashdash = false;

	s = (struct words){ .w = argc ? argv : empty, .n = argc ? argc : 1 };
	if (env)
		parse_device(env, &s.device);
	if (!global_words(&s, global))
		return EXIT_SUCCESS;
	if (!strcmp(s.w[s.i], "help")) {
		if (s.i + 1 == s.n - 1)
			complete_commands(s.w[s.n - 1]);
		return EXIT_SUCCESS;
	}
	s.cmd = find_cmd(s.w[s.i++]);
	if (!s.cmd)
		return EXIT_SUCCESS;
	s.nopts = 0;
	cli_each_opt(s.cmd, add_row, &s);
	while (s.i < s.n - 1) {
		const char *w = s.w[s.i++];

		if (!dashdash && !strcmp(w, "--"))
			dashdash = true;
		else if (!dashdash && w[0] == '-' && w[1] && option(&s, w))
			return EXIT_SUCCESS;
	}
	if (!dashdash && s.w[s.i][0] == '-')
		complete_option(&s, s.w[s.i]);
	else
		complete_arg(&s, s.w[s.i]);
	return EXIT_SUCCESS;
}

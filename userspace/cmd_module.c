// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab load, unload, status: the module, through libkmod (as insmod and
 * rmmod do) and sysfs.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "fuser.h"
#include "ioctl.h"
#include "kmod_dl.h"
#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* From the binary's directory: ../build/<release>/kmemlab.ko (make module). */
#define BUILD_TREE_DIR	"/../build/"
#define BUILD_TREE_KO	"/kmemlab.ko"

static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	(void)format; (void)args;
}

/* A libkmod context that does not print; NULL after printing an error. */
static struct kmod_ctx *kmod_open(const struct cli *cli)
{
	struct kmod_ctx *ctx;

	if (kmod_dl_load(cli->cmd))
		return NULL;
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		err_fail(cli->cmd, ENOMEM, NULL, "cannot create a libkmod context");
		return NULL;
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	return ctx;
}

/*
 * Call @fn with the kmemlab module object and its state (libkmod's
 * initstate, < 0 when not loaded); returns what @fn returns.
 */
static int with_module(struct cli *cli,
		       int (*fn)(struct cli *cli, struct kmod_module *mod, int state))
{
	struct kmod_ctx *ctx = kmod_open(cli);
	struct kmod_module *mod = NULL;
	int err, rc;

	if (!ctx)
		return EXIT_FAILURE;
	err = kmod_module_new_from_name(ctx, KMEMLAB_MODULE, &mod);
	if (err < 0) {
		rc = err_fail(cli->cmd, -err, NULL, "cannot look up the kmemlab module");
	} else {
		rc = fn(cli, mod, kmod_module_get_initstate(mod));
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return rc;
}

/* ---- load ---- */

enum { OPT_DEVICES = 256 };

static const struct cli_opt load_opts[] = {
	{ "module", 'm', "PATH", "the kmemlab.ko to insert (default: the installed "
	  "module, else the build tree's build/<release>/kmemlab.ko)" },
	{ "devices", OPT_DEVICES, "N", "how many devices: the devices=N module parameter" },
	{ 0 }
};

static const struct err_row load_errs[] = {
	{ EEXIST, "kmemlab is already loaded",
	  "'kmemlab status' shows it; 'kmemlab unload' removes it" },
	{ ENOEXEC, "invalid module format (built for another kernel?)",
	  "rebuild it against the running kernel; dmesg says more" },
	{ ENOENT, "unknown symbol in module, or unknown parameter", "dmesg says which" },
	{ ESRCH, "the module has a wrong symbol version", "rebuild it against the running kernel" },
	{ EINVAL, "invalid module parameters", "dmesg says which; modinfo lists them" },
	{ EPERM, "operation not permitted: loading modules needs root (CAP_SYS_MODULE)",
	  "run as root; for root, module loading may be disabled (kernel.modules_disabled) "
	  "or locked down" },
	{ EKEYREJECTED, "the module's signature was rejected",
	  "sign it with a key the kernel trusts, or boot without module.sig_enforce" },
	{ ENOKEY, "the module is not signed with a key the kernel trusts",
	  "sign it, or boot without module.sig_enforce" },
	{ EBUSY, "kmemlab is being loaded or removed right now", "try again" },
	{ ENOSYS, "this kernel cannot load modules (CONFIG_MODULES=n)", NULL },
	{ 0 }
};

#define KO_PATH_MAX	(PATH_MAX + sizeof(BUILD_TREE_DIR) + sizeof(BUILD_TREE_KO) + \
			 sizeof(((struct utsname *)0)->release))

/*
 * The module the build tree has for the running kernel,
 * <dir of /proc/self/exe>/../build/<uname -r>/kmemlab.ko, resolved when it
 * exists; for a CLI built for a target of another architecture, which lives
 * in build/<uname -r>/bin/, its sibling <dir>/../kmemlab.ko.
 */
static void build_tree_module(char path[KO_PATH_MAX])
{
	char exe[PATH_MAX], joined[KO_PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct utsname uts;

	if (n < 0)
		n = 0;
	exe[n] = '\0';
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "unknown");
	dir = dirname(exe);
	/* build/<release>/bin/kmemlab: its module is build/<release>/kmemlab.ko. */
	snprintf(joined, sizeof(joined), "%s/.." BUILD_TREE_KO, dir);
	if (realpath(joined, path)) {
		char parent[KO_PATH_MAX];

		memcpy(parent, path, sizeof(parent));
		if (!strcmp(basename(dirname(parent)), uts.release))
			return;
	}
	snprintf(joined, sizeof(joined), "%s" BUILD_TREE_DIR "%s" BUILD_TREE_KO,
		 dir, uts.release);
	if (!realpath(joined, path))
		memcpy(path, joined, sizeof(joined));
}

/* The module to insert, from --module, modules.dep or the build tree. */
static int find_module(const struct cli *cli, struct kmod_ctx *ctx,
		       const char *given, struct kmod_module **mod)
{
	char path[KO_PATH_MAX];
	int err;

	if (!given) {
		*mod = NULL;
		err = kmod_module_new_from_name_lookup(ctx, KMEMLAB_MODULE, mod);
		if (!err && *mod && kmod_module_get_path(*mod))
			return 0;
		if (*mod)
			kmod_module_unref(*mod);
		build_tree_module(path);
		given = path;
	}
	err = kmod_module_new_from_path(ctx, given, mod);
	if (err == -ENOENT && given == path)
		return err_fail(cli->cmd, ENOENT, "build it for this kernel (make module), or give --module PATH",
				"kmemlab.ko not found: not installed for this kernel, "
				"and no build tree module at %s", path);
	if (err == -ENOENT)
		return err_fail(cli->cmd, ENOENT, NULL, "module file not found: %s", given);
	if (err < 0)
		return err_fail(cli->cmd, -err, NULL, "cannot use %s: %s", given, strerror(-err));
	return 0;
}

/* Append @arg to the module options, quoted if it has spaces (as insmod). */
static int add_param(char *opts, size_t len, const char *arg)
{
	size_t used = strlen(opts);
	const char *q = strchr(arg, ' ') ? "\"" : "";
	int n = snprintf(opts + used, len - used, "%s%s%s%s", used ? " " : "", q, arg, q);

	return n < 0 || (size_t)n >= len - used ? -E2BIG : 0;
}

static void print_nodes(void)
{
	glob_t g;

	if (glob("/dev/kmemlab[0-9]*", 0, NULL, &g))
		return;
	printf("device node%s:", g.gl_pathc == 1 ? "" : "s");
	for (size_t i = 0; i < g.gl_pathc; i++)
		printf(" %s", g.gl_pathv[i]);
	putchar('\n');
	globfree(&g);
}

/* After a load: wait for the last device's node, and say where they are. */
static int show_nodes(const struct cli *cli, long devices)
{
	unsigned int last = devices > 0 ? (unsigned int)devices - 1 : 0;

	if (devices == 0)
		return EXIT_SUCCESS;
	/* Registered but not bound: the probe failed, and said why. */
	if (device_exists(last) && !device_bound(last))
		return err_fail(cli->cmd, ENODEV, "dmesg says why",
				"kmemlab is loaded, but kmemlab.%u is not bound: the "
				"driver's probe failed", last);
	if (!node_wait(last, NODE_WAIT_MS))
		return err_fail(cli->cmd, ETIMEDOUT,
				"is devtmpfs mounted on /dev? 'kmemlab status' shows the devices",
				"kmemlab is loaded, but the node of kmemlab.%u did not "
				"appear within 2 s", last);
	print_nodes();
	return EXIT_SUCCESS;
}

/* The ELF machine of a module file, as uname -m names it, or "". */
static const char *ko_machine(const char *path)
{
	static const struct { uint16_t em; const char *name; } machines[] = {
		{ EM_386, "i686" }, { EM_X86_64, "x86_64" }, { EM_AARCH64, "aarch64" },
		{ EM_ARM, "arm" },
	};
	/* e_machine lies at the same offset in 32- and 64-bit headers. */
	const size_t at = offsetof(Elf32_Ehdr, e_machine);
	unsigned char h[EI_NIDENT + 4];
	FILE *f = fopen(path, "rb");
	size_t i, n = 0;
	uint16_t em;

	if (f) {
		n = fread(h, 1, sizeof(h), f);
		fclose(f);
	}
	if (n < sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
		return "";
	em = h[EI_DATA] == ELFDATA2MSB ? (uint16_t)(h[at] << 8 | h[at + 1]) :
					(uint16_t)(h[at + 1] << 8 | h[at]);
	for (i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].em == em)
			return machines[i].name;
	return "";
}

/*
 * ENOEXEC: the module is for another kernel. Say for which (its vermagic's
 * release, its ELF machine) and which kernel this is, when they differ.
 */
static int wrong_kernel(const struct cli *cli, struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	const char *path = kmod_module_get_path(mod), *machine;
	char built[128] = "";
	struct utsname u;

	if (uname(&u) || kmod_module_get_info(mod, &info) < 0)
		return err_fail_rows(cli->cmd, ENOEXEC, load_errs);
	kmod_list_foreach(l, info) {
		if (!strcmp(kmod_module_info_get_key(l), "vermagic")) {
			snprintf(built, sizeof(built), "%s", kmod_module_info_get_value(l));
			built[strcspn(built, " ")] = '\0';
		}
	}
	kmod_module_info_free_list(info);
	machine = path ? ko_machine(path) : "";
	if (!*built || (!strcmp(built, u.release) && (!*machine || !strcmp(machine, u.machine))))
		return err_fail_rows(cli->cmd, ENOEXEC, load_errs);
	return err_fail(cli->cmd, ENOEXEC,
			"build it for this kernel (make module, with KVER or KRELEASE), or give --module PATH",
			"%s is built for %s%s%s%s, this kernel is %s (%s)", path ? path : "the module",
			built, *machine ? " (" : "", machine, *machine ? ")" : "",
			u.release, u.machine);
}

static int insert(const struct cli *cli, const char *given, const char *opts,
		  long devices)
{
	struct kmod_ctx *ctx = kmod_open(cli);
	struct kmod_module *mod = NULL;
	int err;

	if (!ctx)
		return EXIT_FAILURE;
	err = find_module(cli, ctx, given, &mod);
	if (!err) {
		err = kmod_module_insert_module(mod, 0, opts);
		if (err == -ENOEXEC)
			err = wrong_kernel(cli, mod);
		else if (err < 0)
			err = err_fail_rows(cli->cmd, -err, load_errs);
		else
			printf("loaded kmemlab from %s\n", kmod_module_get_path(mod));
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return err ? EXIT_FAILURE : show_nodes(cli, devices);
}

static int run_load(struct cli *cli, int argc, char **argv)
{
	const char *given = NULL;
	char opts[1024] = "", num[32];
	long devices = -1;
	int c;

	while ((c = cli_getopt(cli, argc, argv)) != -1) {
		if (c == 'm')
			given = optarg;
		else if (c == OPT_DEVICES)
			devices = (long)cli_number(cli, "--devices", optarg, INT_MAX);
	}
	if (devices >= 0) {
		snprintf(num, sizeof(num), "devices=%ld", devices);
		add_param(opts, sizeof(opts), num);
	}
	for (int i = optind; i < argc; i++)
		if (add_param(opts, sizeof(opts), argv[i]))
			cli_usage(cli, NULL, "the module parameters are too long");
	return insert(cli, given, opts, devices);
}

static const struct cli_opt *const load_optsets[] = { load_opts, NULL };

const struct cmd cmd_load = {
	.name = "load",
	.args = "[param=value...]",
	.summary = "insert the kmemlab module",
	.opts = load_optsets,
	.run = run_load,
};

/* ---- unload ---- */

static const struct err_row unload_errs[] = {
	{ ENOENT, "kmemlab is not loaded", NULL },
	{ EBUSY, "kmemlab is in use", "'kmemlab status' shows who holds it" },
	{ EAGAIN, "kmemlab is in use", "'kmemlab status' shows who holds it" },
	{ EPERM, "operation not permitted: unloading modules needs root (CAP_SYS_MODULE)",
	  "run as root" },
	{ ENOSYS, "this kernel cannot unload modules (CONFIG_MODULE_UNLOAD=n)", NULL },
	{ 0 }
};

/* Print "in use by" lines for the modules and processes holding @mod. */
static size_t print_users(struct kmod_module *mod, size_t *hidden)
{
	struct kmod_list *holders = kmod_module_get_holders(mod), *l;
	struct fuser *users = NULL;
	size_t n = 0, count = 0;
	char buf[64];

	kmod_list_foreach(l, holders) {
		printf("in use by module %s\n", kmod_module_get_name(kmod_module_get_module(l)));
		n++;
	}
	kmod_module_unref_list(holders);
	*hidden = 0;
	if (fuser_scan(NULL, &users, &count, hidden))
		return n;
	for (size_t i = 0; i < count; i++) {
		fuser_format(&users[i], buf, sizeof(buf));
		printf("in use by %s\n", buf);
	}
	free(users);
	return n + count;
}

static int refuse_busy(const struct cli *cli, struct kmod_module *mod, int refcnt)
{
	size_t hidden;
	size_t n = print_users(mod, &hidden);
	const char *hint = n ? "stop those users (close their /dev/kmemlab* files) first" :
			   hidden ? "run as root to see every process" :
			   "a reference is held by something that is not a process";

	return err_fail(cli->cmd, EBUSY, hint, "kmemlab is in use (refcount %d)", refcnt);
}

static int remove_module(struct cli *cli, struct kmod_module *mod, int state)
{
	int refcnt, err;

	if (state < 0)
		return err_fail_rows(cli->cmd, ENOENT, unload_errs);
	if (state == KMOD_MODULE_BUILTIN)
		return err_fail(cli->cmd, EPERM, NULL,
				"kmemlab is built into the kernel: it cannot be unloaded");
	refcnt = kmod_module_get_refcnt(mod);
	if (refcnt > 0)
		return refuse_busy(cli, mod, refcnt);
	err = kmod_module_remove_module(mod, 0);
	if (err < 0)
		return err_fail_rows(cli->cmd, -err, unload_errs);
	printf("unloaded kmemlab\n");
	return EXIT_SUCCESS;
}

static int run_unload(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 0, 0);
	return with_module(cli, remove_module);
}

const struct cmd cmd_unload = {
	.name = "unload",
	.summary = "remove the kmemlab module (refused while in use)",
	.run = run_unload,
};

/* ---- status ---- */

enum { MF_STATE, MF_REFCOUNT, MF_HOLDERS, MF_USERS, MF_VERSION, MF_ALLOCS, MF_BYTES };

static const struct out_col module_cols[] = {
	[MF_STATE] = { "STATE", OUT_STR, 0, 0, "state" },
	[MF_REFCOUNT] = { "REFCOUNT", OUT_NUM, 0, 0, "refcount" },
	[MF_HOLDERS] = { "HOLDERS", OUT_STR, 0, 0, "holders (modules)" },
	[MF_USERS] = { "USERS", OUT_STR, 0, 0, "users (processes)" },
	[MF_VERSION] = { "VERSION", OUT_STR, 0, 0, "version" },
	[MF_ALLOCS] = { "ALLOCS", OUT_NUM, 0, 0, "live allocations" },
	[MF_BYTES] = { "BYTES", OUT_SIZE, 0, 0, "live bytes" },
};

static const struct out_colset module_fields = { module_cols, ARRAY_SIZE(module_cols), NULL };

enum { PC_NAME, PC_VALUE };

static const struct out_col param_cols[] = {
	[PC_NAME] = { "PARAMETER", OUT_STR, 0, 0, "module parameter" },
	[PC_VALUE] = { "VALUE", OUT_STR, 0, 0, "its value" },
};

static const struct out_colset param_columns = { param_cols, ARRAY_SIZE(param_cols), NULL };

enum { DC_DEVICE, DC_NODE, DC_BOUND, DC_ALLOCS, DC_BYTES };

static const struct out_col device_cols[] = {
	[DC_DEVICE] = { "DEVICE", OUT_STR, 0, 0, "platform device" },
	[DC_NODE] = { "NODE", OUT_STR, 0, 0, "its /dev node" },
	[DC_BOUND] = { "BOUND", OUT_BOOL, 0, 0, "bound to the kmemlab driver" },
	[DC_ALLOCS] = { "ALLOCS", OUT_NUM, 0, SCOLS_FL_RIGHT, "live allocations" },
	[DC_BYTES] = { "BYTES", OUT_SIZE, 0, SCOLS_FL_RIGHT, "live bytes" },
};

static const struct out_colset device_columns = { device_cols, ARRAY_SIZE(device_cols), NULL };

/* Cell @col from the number in sysfs file @path, absent when unreadable. */
static void out_sysfs_u64(struct out_table *t, size_t col, const char *path)
{
	uint64_t v;

	if (sysfs_read_u64(path, &v))
		out_none(t, col);
	else
		out_u64(t, col, v);
}

/* Cell @col from device @name's attribute @attr, or else @alt. */
static void out_device_u64(struct out_table *t, size_t col, const char *name,
			   const char *attr, const char *alt)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_DEVICES_DIR "/%s/%s", name, attr);
	if (!path_exists(path))
		snprintf(path, sizeof(path), SYS_DEVICES_DIR "/%s/%s", name, alt);
	out_sysfs_u64(t, col, path);
}

static void module_holders(struct out_table *t, struct kmod_module *mod)
{
	struct kmod_list *holders = kmod_module_get_holders(mod), *l;
	char buf[256] = "";

	kmod_list_foreach(l, holders)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 buf[0] ? "," : "", kmod_module_get_name(kmod_module_get_module(l)));
	kmod_module_unref_list(holders);
	out_str(t, MF_HOLDERS, buf);
}

static void module_users(struct out_table *t)
{
	struct fuser *users = NULL;
	size_t count = 0, hidden;
	char buf[512] = "", one[64];

	if (!fuser_scan(NULL, &users, &count, &hidden)) {
		for (size_t i = 0; i < count; i++) {
			fuser_format(&users[i], one, sizeof(one));
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 i ? "," : "", one);
		}
		free(users);
	}
	out_str(t, MF_USERS, buf);
}

static void status_module(struct out_table *t, struct kmod_module *mod, int state)
{
	char version[64];

	out_row(t);
	out_str(t, MF_STATE, state < 0 ? "not loaded" : kmod_module_initstate_str(state));
	if (state < 0)
		return;
	out_u64(t, MF_REFCOUNT, (uint64_t)kmod_module_get_refcnt(mod));
	module_holders(t, mod);
	module_users(t);
	out_str(t, MF_VERSION, sysfs_read(SYS_MODULE_DIR "/version", version,
					  sizeof(version)) ? NULL : version);
	out_sysfs_u64(t, MF_ALLOCS, SYS_DRIVER_DIR "/live_allocs");
	out_sysfs_u64(t, MF_BYTES, SYS_DRIVER_DIR "/live_bytes");
}

static void status_params(struct out_table *t)
{
	struct dirent **names = NULL;
	int n = scandir(SYS_PARAMS_DIR, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], value[256];

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), SYS_PARAMS_DIR "/%s", names[i]->d_name);
			out_row(t);
			out_str(t, PC_NAME, names[i]->d_name);
			out_str(t, PC_VALUE, sysfs_read(path, value, sizeof(value)) ? NULL : value);
		}
		free(names[i]);
	}
	free(names);
}

static void status_device(struct out_table *t, const char *name)
{
	char node[64];
	bool has_node = !pdev_node(name, node, sizeof(node));

	out_row(t);
	out_str(t, DC_DEVICE, name);
	out_str(t, DC_NODE, has_node && path_exists(node) ? node : NULL);
	out_bool(t, DC_BOUND, pdev_bound(name));
	out_device_u64(t, DC_ALLOCS, name, "live_allocs", "live/allocs");
	out_device_u64(t, DC_BYTES, name, "live_bytes", "live/bytes");
}

/* The module's own kmemlab.N devices, then any other (device-tree) one. */
static void status_devices(struct out_table *t)
{
	unsigned int *ids = NULL;
	char **others = NULL, name[32];
	size_t count = 0;

	if (!device_list(&ids, &count)) {
		for (size_t i = 0; i < count; i++) {
			snprintf(name, sizeof(name), DEVICE_NAME_FMT, ids[i]);
			status_device(t, name);
		}
		free(ids);
	}
	if (!pdev_others(&others, &count)) {
		for (size_t i = 0; i < count; i++) {
			status_device(t, others[i]);
			free(others[i]);
		}
		free(others);
	}
}

static int print_status(struct cli *cli, struct kmod_module *mod, int state)
{
	struct out_table t[3];

	cli_fields(cli, &t[0], "module", &module_fields);
	cli_subtable(cli, &t[1], "parameters", &param_columns);
	cli_subtable(cli, &t[2], "devices", &device_columns);
	t[1].hide_empty = t[2].hide_empty = true;
	status_module(&t[0], mod, state);
	if (state >= 0) {
		status_params(&t[1]);
		status_devices(&t[2]);
	}
	return cli_print(cli, t, ARRAY_SIZE(t));
}

static int run_status(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 0, 0);
	return with_module(cli, print_status);
}

static void status_help(void)
{
	printf("\nPrints the module (JSON \"module\", one record), its parameters\n"
	       "(\"parameters\") and its devices (\"devices\"). Exits 0 also when the\n"
	       "module is not loaded (state \"not loaded\").\n");
}

const struct cmd cmd_status = {
	.name = "status",
	.summary = "show whether the module is loaded, its users, parameters and devices",
	.flags = CMD_OUTPUT,
	.help = status_help,
	.run = run_status,
};

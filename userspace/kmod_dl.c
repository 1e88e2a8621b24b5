// SPDX-License-Identifier: GPL-2.0
/*
 * libkmod loaded on first use: see kmod_dl.h.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "errors.h"
#include "kmod_dl.h"

#define KMOD_DL_DEFINE(fn)	__typeof__(fn) *dl_##fn;
KMOD_DL_FUNCTIONS(KMOD_DL_DEFINE)
#undef KMOD_DL_DEFINE

int kmod_dl_load(const char *cmd)
{
	static void *lib;
	const char *missing = NULL;

	if (lib)
		return 0;
	lib = dlopen(KMOD_DL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return err_fail(cmd, ELIBACC, "install libkmod (Debian: libkmod2)",
				"cannot load libkmod: %s", dlerror()), -1;
	/* ISO C has no object-to-function pointer cast; POSIX dlsym does. */
#define KMOD_DL_FIND(fn)						\
	if (!missing && !(*(void **)&dl_##fn = dlsym(lib, #fn)))	\
		missing = #fn;
	KMOD_DL_FUNCTIONS(KMOD_DL_FIND)
#undef KMOD_DL_FIND
	if (missing) {
		dlclose(lib);
		lib = NULL;
		return err_fail(cmd, ELIBACC, "install libkmod 5 or later",
				"%s has no %s", KMOD_DL_SONAME, missing), -1;
	}
	return 0;
}

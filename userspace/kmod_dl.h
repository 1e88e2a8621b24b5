/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkmod, loaded by the commands that use it (load, unload, status) when
 * they first need it. Linked in, it and what it links (libzstd, liblzma,
 * libcrypto) were loaded by every command: a fifth of an alloc's start-up
 * under emulation, for nothing.
 *
 * Include this instead of <libkmod.h>: each libkmod function used below
 * then calls through a pointer that kmod_dl_load() fills, with the type
 * libkmod.h gives the function. A function not listed here fails to
 * link, so none is called unloaded.
 */
#ifndef KMEMLAB_KMOD_DL_H
#define KMEMLAB_KMOD_DL_H

#include <libkmod.h>

/* The soname the distributions ship (libkmod's ABI since kmod 5). */
#define KMOD_DL_SONAME	"libkmod.so.2"

#define KMOD_DL_FUNCTIONS(X)				\
	X(kmod_new)					\
	X(kmod_unref)					\
	X(kmod_set_log_fn)				\
	X(kmod_list_next)				\
	X(kmod_module_new_from_name)			\
	X(kmod_module_new_from_name_lookup)		\
	X(kmod_module_new_from_path)			\
	X(kmod_module_unref)				\
	X(kmod_module_unref_list)			\
	X(kmod_module_get_module)			\
	X(kmod_module_get_name)				\
	X(kmod_module_get_path)				\
	X(kmod_module_get_holders)			\
	X(kmod_module_get_initstate)			\
	X(kmod_module_initstate_str)			\
	X(kmod_module_get_refcnt)			\
	X(kmod_module_get_info)				\
	X(kmod_module_info_get_key)			\
	X(kmod_module_info_get_value)			\
	X(kmod_module_info_free_list)			\
	X(kmod_module_insert_module)			\
	X(kmod_module_remove_module)

#define KMOD_DL_DECLARE(fn)	extern __typeof__(fn) *dl_##fn;
KMOD_DL_FUNCTIONS(KMOD_DL_DECLARE)
#undef KMOD_DL_DECLARE

#define kmod_new				(*dl_kmod_new)
#define kmod_unref				(*dl_kmod_unref)
#define kmod_set_log_fn				(*dl_kmod_set_log_fn)
#define kmod_list_next				(*dl_kmod_list_next)
#define kmod_module_new_from_name		(*dl_kmod_module_new_from_name)
#define kmod_module_new_from_name_lookup	(*dl_kmod_module_new_from_name_lookup)
#define kmod_module_new_from_path		(*dl_kmod_module_new_from_path)
#define kmod_module_unref			(*dl_kmod_module_unref)
#define kmod_module_unref_list			(*dl_kmod_module_unref_list)
#define kmod_module_get_module			(*dl_kmod_module_get_module)
#define kmod_module_get_name			(*dl_kmod_module_get_name)
#define kmod_module_get_path			(*dl_kmod_module_get_path)
#define kmod_module_get_holders			(*dl_kmod_module_get_holders)
#define kmod_module_get_initstate		(*dl_kmod_module_get_initstate)
#define kmod_module_initstate_str		(*dl_kmod_module_initstate_str)
#define kmod_module_get_refcnt			(*dl_kmod_module_get_refcnt)
#define kmod_module_get_info			(*dl_kmod_module_get_info)
#define kmod_module_info_get_key		(*dl_kmod_module_info_get_key)
#define kmod_module_info_get_value		(*dl_kmod_module_info_get_value)
#define kmod_module_info_free_list		(*dl_kmod_module_info_free_list)
#define kmod_module_insert_module		(*dl_kmod_module_insert_module)
#define kmod_module_remove_module		(*dl_kmod_module_remove_module)

/*
 * Loads libkmod and finds every function above, once; 0, or -1 after
 * printing why (ELIBACC) for command @cmd.
 */
int kmod_dl_load(const char *cmd);

#endif

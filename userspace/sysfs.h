/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sysfs and /dev say about the module, the driver and its devices.
 */
#ifndef KMEMLAB_SYSFS_H
#define KMEMLAB_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KMEMLAB_MODULE		"kmemlab"
#define SYS_MODULE_DIR		"/sys/module/kmemlab"
#define SYS_PARAMS_DIR		SYS_MODULE_DIR "/parameters"
#define SYS_DRIVER_DIR		"/sys/bus/platform/drivers/kmemlab"
#define SYS_DEVICES_DIR		"/sys/bus/platform/devices"
#define SYS_CLASS_DIR		"/sys/class/kmemlab"
#define DEVICE_NAME_FMT		"kmemlab.%u"
/* What a device-tree node of a kmemlab device is compatible with. */
#define KMEMLAB_OF_COMPATIBLE	"kmemlab,lab"

/* Read a sysfs attribute without its trailing newline. 0 or -errno. */
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_read_u64(const char *path, uint64_t *v);
/* Write @s to @path (a sysfs attribute). 0 or -errno. */
int sysfs_write(const char *path, const char *s);
bool path_exists(const char *path);

/* /sys/module/kmemlab exists: loaded (or built in). */
bool module_present(void);
/* /sys/bus/platform/devices/kmemlab.@id[/@attr]. */
void device_path(unsigned int id, const char *attr, char *buf, size_t len);
bool device_exists(unsigned int id);
/* The device is bound to the kmemlab driver. */
bool device_bound(unsigned int id);
/* The same for a platform device by its sysfs name. */
bool pdev_exists(const char *name);
bool pdev_bound(const char *name);
/* @name is a device the kmemlab driver binds: kmemlab.N or a device-tree one. */
bool pdev_ours(const char *name);
/*
 * The platform device a DEVICE argument names, in @name: kmemlab.N for N,
 * kmemlab.N or /dev/kmemlabN when that device exists, else the device whose
 * node kmemlabN is (a device-tree device's nodes are numbered above the
 * module's own); or the argument itself when it is the sysfs name of a
 * device the driver binds (an unbound device-tree device has no node to
 * name it by). 0, or -ENODEV.
 */
int pdev_of_arg(const char *arg, char *name, size_t len);
/*
 * The node of device @id: /dev/kmemlabM, where kmemlabM is the device's
 * class device in sysfs. M is usually @id, but not when the device was
 * bound again while a file still held its old node (a number belongs to
 * its node until the last file of it closes). /dev/kmemlab@id when sysfs
 * names no node.
 */
void node_path(unsigned int id, char *buf, size_t len);
/* The node of platform device @name, in @buf; -ENOENT when it has none. */
int pdev_node(const char *name, char *buf, size_t len);
/* How long a node may take to appear after a probe (devtmpfs, udev). */
#define NODE_WAIT_MS		2000
/* Wait up to @ms for device @id's node to appear; false when it did not. */
bool node_wait(unsigned int id, int ms);
/* The ids of the kmemlab.N platform devices, sorted, malloc()ed. */
int device_list(unsigned int **ids, size_t *count);
/*
 * The names of the other platform devices the driver binds (made from
 * device-tree nodes), sorted; the array and each name malloc()ed.
 */
int pdev_others(char ***names, size_t *count);

#endif /* KMEMLAB_SYSFS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab bind, unbind: attach a kmemlab.N platform device, or one bound from
 * a device-tree node, to the driver or detach it (devres then frees its
 * device-managed memory).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "sysfs.h"

/* Bind (@bind) or unbind the device named by the argument. */
static int bind_op(struct cli *cli, int argc, char **argv, bool bind)
{
	const char *attr = bind ? SYS_DRIVER_DIR "/bind" : SYS_DRIVER_DIR "/unbind";
	char name[256], hint[300];
	unsigned int id;
	int err;

	cli_args(cli, argc, argv, 1, 1);
	/* a number, or a device's sysfs name (a device-tree device's) */
	if (parse_device(argv[optind], &id) && !pdev_ours(argv[optind]))
		cli_device(cli, "device", argv[optind]);	/* says what is wrong */
	if (!module_present())
		return err_fail(cli->cmd, ENOENT, "kmemlab load", "kmemlab is not loaded");
	if (!path_exists(SYS_DRIVER_DIR))
		return err_fail(cli->cmd, ENOENT, NULL, "the kmemlab driver is not registered");
	if (pdev_of_arg(argv[optind], name, sizeof(name)))
		return err_fail(cli->cmd, ENODEV, "'kmemlab status' lists the devices",
				"no such device %s", name);
	snprintf(hint, sizeof(hint), "kmemlab %s %s", bind ? "unbind" : "bind", name);
	if (pdev_bound(name) == bind)
		return err_fail(cli->cmd, bind ? EBUSY : ENODEV, hint, "%s is %s bound",
				name, bind ? "already" : "not");
	err = sysfs_write(attr, name);
	if (err == -EACCES || err == -EPERM)
		return err_fail(cli->cmd, -err, "run as root",
				"permission denied: %sbinding needs root", bind ? "" : "un");
	if (err)
		return err_fail(cli->cmd, -err, "dmesg may say more", "cannot %s %s: %s",
				bind ? "bind" : "unbind", name, strerror(-err));
	printf("%s %s%s\n", bind ? "bound" : "unbound", name,
	       bind ? "" : " (devres freed its device-managed memory)");
	return EXIT_SUCCESS;
}

static int run_bind(struct cli *cli, int argc, char **argv)
{
	return bind_op(cli, argc, argv, true);
}

static int run_unbind(struct cli *cli, int argc, char **argv)
{
	return bind_op(cli, argc, argv, false);
}

const struct cmd cmd_bind = {
	.name = "bind",
	.args = "DEVICE",
	.summary = "bind a device (N, kmemlab.N, /dev/kmemlabN or a device-tree device's name) to the driver",
	.run = run_bind,
};

const struct cmd cmd_unbind = {
	.name = "unbind",
	.args = "DEVICE",
	.summary = "unbind a device; devres frees its device-managed memory",
	.run = run_unbind,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab bench: the machine the times belong to (kernel release, CPU
 * model, what runs the kernel), for every table and plot.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "ioctl.h"
#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum { MC_RELEASE, MC_LABEL, MC_ACCEL, MC_MODEL, MC_CPUS, MC_INIT_ON_ALLOC };

static const struct out_col machine_cols[] = {
	[MC_RELEASE] = { "RELEASE", OUT_STR, 0, 0, "kernel release" },
	[MC_LABEL] = { "LABEL", OUT_STR, 0, 0, "label (--label)" },
	[MC_ACCEL] = { "ACCELERATOR", OUT_STR, 0, 0, "what runs the kernel" },
	[MC_MODEL] = { "CPU-MODEL", OUT_STR, 0, 0, "CPU model name" },
	[MC_CPUS] = { "CPUS", OUT_NUM, 0, 0, "online CPUs" },
	[MC_INIT_ON_ALLOC] = { "INIT-ON-ALLOC", OUT_ONOFF, 0, 0, "init_on_alloc" },
};

const struct out_colset machine_fields = { machine_cols, ARRAY_SIZE(machine_cols), NULL };

/* ---- the machine ---- */

/* The value of the first "@key\t: value" line of /proc/cpuinfo. */
static void cpuinfo(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	size_t klen = strlen(key);

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, klen) || !colon ||
		    strspn(line + klen, " \t") != (size_t)(colon - line - (long)klen))
			continue;
		colon += 1 + strspn(colon + 1, " ");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

/*
 * What systemd-detect-virt --vm says runs this kernel ("kvm", "qemu" for
 * QEMU's own emulation, "vmware", "none", ...), into @buf: 0, or -1 when
 * it is not installed or says nothing.
 */
static int detect_virt(char *buf, size_t len)
{
	FILE *p = popen("systemd-detect-virt --vm 2>/dev/null", "r");
	int ok;

	if (!p)
		return -1;
	ok = fgets(buf, (int)len, p) != NULL;
	pclose(p);	/* "none" exits 1: the answer is what it printed */
	buf[strcspn(buf, "\n")] = '\0';
	return ok && buf[0] ? 0 : -1;
}

/*
 * QEMU's arm64 "max" CPU under TCG: MIDR implementer 0 ("reserved for
 * software use") and part number 'Q' (0x051), set by QEMU so that no guest
 * takes it for a real core. Without firmware tables on its virt machine,
 * systemd-detect-virt has nothing else to go by and says "none".
 */
static bool arm64_tcg(void)
{
	char buf[32];

	cpuinfo("CPU implementer", buf, sizeof(buf));
	if (strcmp(buf, "0x00"))
		return false;
	cpuinfo("CPU part", buf, sizeof(buf));
	return !strcmp(buf, "0x051");
}

/*
 * What runs this kernel: QEMU's arm64 TCG CPU by its ID; systemd-detect-virt
 * where it is installed (the kernel and the CPU's hypervisor leaves, which
 * it knows best); else KVM guests have the kvm-clock clocksource, QEMU's
 * TCG names itself in the x86 CPU model, other hypervisors set the CPU's
 * hypervisor flag.
 */
static const char *accelerator(const char *model)
{
	static char virt[64];
	char buf[1024];

	if (arm64_tcg())
		return "QEMU TCG";
	if (!detect_virt(virt, sizeof(virt))) {
		if (!strcmp(virt, "kvm"))
			return "KVM";
		if (!strcmp(virt, "qemu"))
			return "QEMU TCG";
		if (!strcmp(virt, "none"))
			return "bare metal";
		return virt;
	}

	if (!sysfs_read("/sys/devices/system/clocksource/clocksource0/available_clocksource",
			buf, sizeof(buf)) && strstr(buf, "kvm-clock"))
		return "KVM";
	if (strstr(model, "TCG"))
		return "QEMU TCG";
	cpuinfo("flags", buf, sizeof(buf));
	if (strstr(buf, " hypervisor"))
		return "a hypervisor";
	return "bare metal";
}

void machine_read(int fd, const char *label, struct machine *mc)
{
	struct utsname u;

	memset(mc, 0, sizeof(*mc));
	mc->have_info = !kml_info(fd, &mc->info);
	if (mc->have_info) {
		snprintf(mc->release, sizeof(mc->release), "%.*s",
			 KMEMLAB_RELEASE_LEN, mc->info.release);
		mc->init_on_alloc = mc->info.flags & KMEMLAB_INFO_INIT_ON_ALLOC;
	} else if (!uname(&u)) {
		snprintf(mc->release, sizeof(mc->release), "%s", u.release);
	}
	cpuinfo("model name", mc->model, sizeof(mc->model));
	mc->accel = accelerator(mc->model);
	if (label)
		snprintf(mc->label, sizeof(mc->label), "%s", label);
	else if (strstr(mc->model, "TCG"))	/* "QEMU TCG CPU version 2.5+" says it all */
		snprintf(mc->label, sizeof(mc->label), "%s", mc->model);
	else
		snprintf(mc->label, sizeof(mc->label), "%s (%s)",
			 mc->model[0] ? mc->model : "unknown CPU", mc->accel);
	mc->cpus = sysconf(_SC_NPROCESSORS_ONLN);
}

void machine_fill(struct out_table *t, const struct machine *mc)
{
	out_row(t);
	out_str(t, MC_RELEASE, mc->release);
	out_str(t, MC_LABEL, mc->label);
	out_str(t, MC_ACCEL, mc->accel);
	out_str(t, MC_MODEL, mc->model);
	out_u64(t, MC_CPUS, mc->cpus > 0 ? (uint64_t)mc->cpus : 0);
	out_bool(t, MC_INIT_ON_ALLOC, mc->init_on_alloc);
}

/* The line above a table for people: whose times these are. */
void machine_line(const struct out_opts *o, const struct machine *mc,
			 const char *what)
{
	if (o->json || o->csv || o->raw || o->noheadings)
		return;
	printf("kernel %s on %s, %ld CPU%s, init_on_alloc=%d: %s\n", mc->release,
	       mc->label, mc->cpus, mc->cpus == 1 ? "" : "s", mc->init_on_alloc, what);
}

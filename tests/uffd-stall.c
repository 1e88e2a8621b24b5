// SPDX-License-Identifier: GPL-2.0
/*
 * uffd-stall: a caller whose buffer faults forever must not hold up the
 * other callers of /dev/kmemlab0, nor its unbind.
 *
 *   uffd-stall list|read|alloc [unbind]
 *
 * The results buffer of a LIST (records) or a READ (buf), or the request
 * of an ALLOC itself, lies in a page registered with userfaultfd and never
 * populated, so the driver's copy to (or from) it stops in a page fault
 * until we resolve it. While it is stopped, a second process makes an
 * ALLOC and a FREE on the same device, which take the device's lock, or
 * with "unbind" unbinds kmemlab.0 through sysfs. We wait up to 2 s for it,
 * then resolve the fault. Prints how long the second process took and
 * exits 0 when it finished while the first was stuck (and, after an
 * unbind, the stuck call then failed with ENODEV), 1 when it waited for
 * it, 2 on a setup error or another outcome (userfaultfd for kernel
 * faults needs CAP_SYS_PTRACE), 4 when the kernel has no userfaultfd
 * (CONFIG_USERFAULTFD off: ENOSYS). Needs one live allocation on the device
 * (its handle for READ: the lowest live one, found by LIST). After
 * "unbind" the device is left unbound.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kmemlab.h>

static int dev;
static long page;
static char *trap;
static int stuck_cmd;
static int unbind;
static int stuck_ret, stuck_errno;
static uint32_t handle;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The call whose copy-out faults: it returns once the fault is resolved. */
static void *stuck_call(void *unused)
{
	struct kmemlab_list list = { .capacity = 1 };
	struct kmemlab_read rd = { .length = 64 };

	(void)unused;
	if (stuck_cmd == 'l') {
		list.records = (uintptr_t)trap;
		stuck_ret = ioctl(dev, KMEMLAB_IOC_LIST, &list);
	} else if (stuck_cmd == 'a') {
		stuck_ret = ioctl(dev, KMEMLAB_IOC_ALLOC, trap);
	} else {
		rd.handle = handle;
		rd.buf = (uintptr_t)trap;
		stuck_ret = ioctl(dev, KMEMLAB_IOC_READ, &rd);
	}
	stuck_errno = errno;
	return NULL;
}

/* Another process: one ALLOC and one FREE of 64 bytes on the device. */
static void other_caller(void)
{
	struct kmemlab_alloc a = {
		.api = KMEMLAB_API_KMALLOC, .context = KMEMLAB_CTX_PROCESS,
		.size = 64, .gfp = KMEMLAB_GFP_KERNEL,
	};
	struct kmemlab_free f = { 0 };

	if (ioctl(dev, KMEMLAB_IOC_ALLOC, &a))
		_exit(3);
	f.handle = a.report.handle;
	_exit(ioctl(dev, KMEMLAB_IOC_FREE, &f) ? 3 : 0);
}

/* Or another process that unbinds the device. */
static void unbinder(void)
{
	int fd = open("/sys/bus/platform/drivers/kmemlab/unbind", O_WRONLY);

	_exit(fd < 0 || write(fd, "kmemlab.0", 9) != 9 ? 3 : 0);
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { 0 };
	struct kmemlab_report rec;
	struct kmemlab_list list = { .records = (uintptr_t)&rec, .capacity = 1 };
	struct pollfd pfd;
	pthread_t thread;
	int uffd, status = -1, waited = 1;
	double t0, ms = 0;
	pid_t pid;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "unbind")) ||
	    (strcmp(argv[1], "list") && strcmp(argv[1], "read") &&
	     strcmp(argv[1], "alloc")) || (!strcmp(argv[1], "alloc") && argc != 3)) {
		fprintf(stderr, "usage: uffd-stall list|read|alloc [unbind] "
			"(alloc only with unbind)\n");
		return 2;
	}
	stuck_cmd = argv[1][0];
	unbind = argc == 3;
	page = sysconf(_SC_PAGESIZE);
	dev = open("/dev/kmemlab0", O_RDWR);
	if (dev < 0)
		die("/dev/kmemlab0");
	if (ioctl(dev, KMEMLAB_IOC_LIST, &list) || list.returned != 1) {
		fprintf(stderr, "uffd-stall: needs a live allocation\n");
		return 2;
	}
	handle = rec.handle;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 && errno == ENOSYS) {
		printf("no userfaultfd in this kernel (CONFIG_USERFAULTFD)\n");
		return 4;
	}
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	trap = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (trap == MAP_FAILED)
		die("mmap");
	reg.range.start = (uintptr_t)trap;
	reg.range.len = page;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");

	if (pthread_create(&thread, NULL, stuck_call, NULL))
		die("pthread_create");
	/* The fault's event: the driver is now inside its copy-out. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1) {
		fprintf(stderr, "uffd-stall: %s never faulted on its buffer\n", argv[1]);
		return 2;
	}

	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		if (unbind)
			unbinder();
		other_caller();
	}
	while (now_ms() - t0 < 2000) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			waited = 0;
			break;
		}
		usleep(1000);
	}
	ms = now_ms() - t0;

	/* Let the stuck call finish, then the other caller if it still waits. */
	zero.range.start = (uintptr_t)trap;
	zero.range.len = page;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zero))
		die("UFFDIO_ZEROPAGE");
	pthread_join(thread, NULL);
	if (waited)
		waitpid(pid, &status, 0);
	printf("%s stuck in a page fault on its buffer: %s %s "
	       "(%.0f ms); the %s then returned %s\n", argv[1],
	       unbind ? "the unbind" : "another caller's ALLOC+FREE",
	       waited ? "waited for it" : "went ahead", ms, argv[1],
	       stuck_ret ? strerrorname_np(stuck_errno) : "0");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return 2;
	if (unbind ? !stuck_ret || stuck_errno != ENODEV : stuck_ret)
		return 2;
	return waited;
}

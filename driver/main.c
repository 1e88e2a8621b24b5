// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: a platform driver whose ioctls make real kernel allocations and
 * report what the kernel did with them.
 *
 * This file holds the module, the platform driver and the char device.
 *
 * Lifetime (as drivers/gnss/core.c): the per-device state is devm_kzalloc()'d
 * in probe and dies when the driver is unbound, but userspace may hold
 * /dev/kmemlabN open past that. So open files point at a struct kmemlab_node,
 * which embeds a refcounted struct device and is freed by its release, with
 * its number. Every file operation takes the node's rwsem for read and
 * returns -ENODEV once remove has set @disconnected under the write lock;
 * after that nothing on the file side touches devm memory. Copies from and
 * to the caller's memory are made with the rwsem dropped, so that a fault
 * that never ends holds up no unbind.
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

#define KMEMLAB_MINORS	64

static unsigned int devices = 1;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "number of kmemlab platform devices to register (1-"
		 __stringify(KMEMLAB_MAX_DEVICES) ", default 1)");

static unsigned int dma_bits = 32;
module_param(dma_bits, uint, 0444);
MODULE_PARM_DESC(dma_bits,
		 "address bits the devices can DMA to (24-64, default 32; 24 = ISA's 16 MiB)");

static dev_t kmemlab_devt;
static struct class *kmemlab_class;
static DEFINE_IDA(kmemlab_ida);
static struct platform_device *kmemlab_pdevs[KMEMLAB_MAX_DEVICES];

static int kmemlab_open(struct inode *inode, struct file *file)
{
	struct kmemlab_node *node = container_of(inode->i_cdev,
						 struct kmemlab_node, cdev);
	int ret = 0;

	down_read(&node->rwsem);
	if (node->disconnected)
		ret = -ENODEV;
	else
		get_device(&node->dev);
	up_read(&node->rwsem);
	if (!ret)
		file->private_data = node;
	return ret;
}

static int kmemlab_release(struct inode *inode, struct file *file)
{
	struct kmemlab_node *node = file->private_data;

	put_device(&node->dev);
	return 0;
}

/* Leave the device for a user copy, and come back: see internal.h. */
static struct kmemlab_node *kmemlab_leave(struct kmemlab_dev *kd)
{
	struct kmemlab_node *node = kd->node;

	lockdep_assert_not_held(&kd->lock);
	up_read(&node->rwsem);
	return node;
}

static int kmemlab_return(struct kmemlab_node *node)
{
	down_read(&node->rwsem);
	return node->disconnected ? -ENODEV : 0;
}

int kmemlab_copy_to_user(struct kmemlab_dev *kd, void __user *to,
			 const void *from, size_t n)
{
	struct kmemlab_node *node = kmemlab_leave(kd);
	unsigned long left = copy_to_user(to, from, n);

	return kmemlab_return(node) ?: (left ? -EFAULT : 0);
}

int kmemlab_copy_from_user(struct kmemlab_dev *kd, void *to,
			   const void __user *from, size_t n)
{
	struct kmemlab_node *node = kmemlab_leave(kd);
	unsigned long left = copy_from_user(to, from, n);

	return kmemlab_return(node) ?: (left ? -EFAULT : 0);
}

static long kmemlab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kmemlab_node *node = file->private_data;
	long ret;

	if (_IOC_TYPE(cmd) != KMEMLAB_IOC_MAGIC)
		return -ENOTTY;
	if (down_read_killable(&node->rwsem))
		return -EINTR;
	if (node->disconnected)
		ret = -ENODEV;
	else
		ret = kmemlab_ioctl_locked(node->kd, cmd, (void __user *)arg);
	up_read(&node->rwsem);
	return ret;
}

static const struct file_operations kmemlab_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_open,
	.release = kmemlab_release,
	.unlocked_ioctl = kmemlab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * The last reference to a node is gone: no file has it open any more, so
 * its number (its minor, its name) may go to a new node.
 */
static void kmemlab_node_release(struct device *dev)
{
	struct kmemlab_node *node = container_of(dev, struct kmemlab_node, dev);

	ida_free(&kmemlab_ida, node->id);
	kfree(node);
}

/*
 * The node number: the platform device's id for the devices the module
 * registers itself, the first free number above those for any other
 * (device tree) instance, and for a device bound again while a file still
 * holds its old node: numbers are freed with the node, not at unbind, so
 * two nodes alive at once never share a number (a dev_t, a name in
 * /proc/PID/fd).
 */
static int kmemlab_node_id(struct platform_device *pdev)
{
	int id = -ENOSPC;

	if (kmemlab_fault())
		return -ENOMEM;
	if (pdev->id >= 0 && pdev->id < KMEMLAB_MAX_DEVICES)
		id = ida_alloc_range(&kmemlab_ida, pdev->id, pdev->id,
				     GFP_KERNEL);
	if (id != -ENOSPC)
		return id;
	return ida_alloc_range(&kmemlab_ida, KMEMLAB_MAX_DEVICES,
			       KMEMLAB_MINORS - 1, GFP_KERNEL);
}

static int kmemlab_node_add(struct kmemlab_dev *kd)
{
	struct kmemlab_node *node;
	int id, ret;

	id = kmemlab_node_id(kd->pdev);
	if (id < 0)
		return id;
	node = kmemlab_own(kzalloc(sizeof(*node), GFP_KERNEL));
	if (!node) {
		ida_free(&kmemlab_ida, id);
		return -ENOMEM;
	}
	node->id = id;
	node->kd = kd;
	init_rwsem(&node->rwsem);
	device_initialize(&node->dev);
	node->dev.class = kmemlab_class;
	node->dev.parent = &kd->pdev->dev;
	node->dev.devt = MKDEV(MAJOR(kmemlab_devt), id);
	node->dev.release = kmemlab_node_release;
	cdev_init(&node->cdev, &kmemlab_fops);
	node->cdev.owner = THIS_MODULE;
	ret = kmemlab_own_err(dev_set_name(&node->dev, "kmemlab%d", id));
	/*
	 * Open files reach the device through the node, and ioctls use
	 * kd->node (the cache names have its number): set before the node
	 * can be opened.
	 */
	kd->node = node;
	if (!ret)
		ret = kmemlab_own_err(cdev_device_add(&node->cdev, &node->dev));
	if (ret) {
		kd->node = NULL;
		/* The release frees the number. */
		put_device(&node->dev);
		return ret;
	}
	return 0;
}

static int kmemlab_probe(struct platform_device *pdev)
{
	struct kmemlab_dev *kd;
	int ret;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(dma_bits));
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "no %u-bit DMA\n", dma_bits);

	kd = kmemlab_own(devm_kzalloc(&pdev->dev, sizeof(*kd), GFP_KERNEL));
	if (!kd)
		return -ENOMEM;
	kd->pdev = pdev;
	mutex_init(&kd->lock);
	xa_init_flags(&kd->bufs, XA_FLAGS_ALLOC1);
	INIT_LIST_HEAD(&kd->caches);
	platform_set_drvdata(pdev, kd);
	return kmemlab_node_add(kd);
}

static KMEMLAB_REMOVE_RET kmemlab_remove(struct platform_device *pdev)
{
	struct kmemlab_dev *kd = platform_get_drvdata(pdev);
	struct kmemlab_node *node = kd->node;
	unsigned int n;

	/* Long operations see this and return: the write lock comes soon. */
	WRITE_ONCE(node->unbinding, true);
	down_write(&node->rwsem);
	node->disconnected = true;
	node->kd = NULL;
	up_write(&node->rwsem);
	cdev_device_del(&node->cdev, &node->dev);

	mutex_lock(&kd->lock);
	n = kmemlab_buf_free_all(kd, true);
	mutex_unlock(&kd->lock);
	if (n)
		dev_info(&pdev->dev, "unbound with %u live allocations: freed\n", n);
	put_device(&node->dev);
	return KMEMLAB_REMOVE_OK;
}

/*
 * sysfs on the platform device: live/{allocs,bytes} of this device, and
 * live_allocs/<api>, live_bytes/<api> per API
 */
static struct kmemlab_dev *kmemlab_dev_of(struct device *dev)
{
	return platform_get_drvdata(to_platform_device(dev));
}

static ssize_t kmemlab_sum_show(const struct kmemlab_counters *c, bool bytes,
				char *buf)
{
	struct kmemlab_count sum;

	kmemlab_counters_sum(c, &sum);
	return sysfs_emit(buf, "%llu\n", bytes ? sum.bytes : sum.allocs);
}

static ssize_t allocs_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return kmemlab_sum_show(&kmemlab_dev_of(dev)->live, false, buf);
}
static DEVICE_ATTR_RO(allocs);

static ssize_t bytes_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return kmemlab_sum_show(&kmemlab_dev_of(dev)->live, true, buf);
}
static DEVICE_ATTR_RO(bytes);

/*
 * live_allocs/<api> and live_bytes/<api>: one API on this device, one value
 * per file.
 */
static ssize_t kmemlab_api_allocs_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	const struct kmemlab_api_ops *ops = container_of(attr,
		struct dev_ext_attribute, attr)->var;
	struct kmemlab_count n;

	kmemlab_counters_api(&kmemlab_dev_of(dev)->live, ops->api, &n);
	return sysfs_emit(buf, "%lld\n", (s64)n.allocs);
}

static ssize_t kmemlab_api_bytes_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	const struct kmemlab_api_ops *ops = container_of(attr,
		struct dev_ext_attribute, attr)->var;
	struct kmemlab_count n;

	kmemlab_counters_api(&kmemlab_dev_of(dev)->live, ops->api, &n);
	return sysfs_emit(buf, "%lld\n", (s64)n.bytes);
}

static struct attribute *kmemlab_live_attrs[] = {
	&dev_attr_allocs.attr,
	&dev_attr_bytes.attr,
	NULL
};

static const struct attribute_group kmemlab_live_group = {
	.name = "live",
	.attrs = kmemlab_live_attrs,
};

static struct dev_ext_attribute kmemlab_api_allocs[KMEMLAB_API_COUNT];
static struct dev_ext_attribute kmemlab_api_bytes[KMEMLAB_API_COUNT];
static struct attribute *kmemlab_api_allocs_attrs[KMEMLAB_API_COUNT + 1];
static struct attribute *kmemlab_api_bytes_attrs[KMEMLAB_API_COUNT + 1];

static const struct attribute_group kmemlab_api_allocs_group = {
	.name = "live_allocs",
	.attrs = kmemlab_api_allocs_attrs,
};

static const struct attribute_group kmemlab_api_bytes_group = {
	.name = "live_bytes",
	.attrs = kmemlab_api_bytes_attrs,
};

static const struct attribute_group *kmemlab_dev_groups[] = {
	&kmemlab_live_group,
	&kmemlab_api_allocs_group,
	&kmemlab_api_bytes_group,
	NULL
};

static void kmemlab_init_api_attr(struct dev_ext_attribute *ea,
				  const struct kmemlab_api_ops *ops,
				  ssize_t (*show)(struct device *dev,
						  struct device_attribute *attr,
						  char *buf))
{
	sysfs_attr_init(&ea->attr.attr);
	ea->attr.attr.name = ops->name;
	ea->attr.attr.mode = 0444;
	ea->attr.show = show;
	ea->var = (void *)ops;
}

/* One file per row of the back-end table in each per-API directory. */
static void kmemlab_init_api_attrs(void)
{
	unsigned int n = 0;
	u32 api;

	for (api = 0; api < KMEMLAB_API_COUNT; api++) {
		const struct kmemlab_api_ops *ops = kmemlab_api(api);

		if (!ops)
			continue;
		kmemlab_init_api_attr(&kmemlab_api_allocs[api], ops,
				      kmemlab_api_allocs_show);
		kmemlab_init_api_attr(&kmemlab_api_bytes[api], ops,
				      kmemlab_api_bytes_show);
		kmemlab_api_allocs_attrs[n] = &kmemlab_api_allocs[api].attr.attr;
		kmemlab_api_bytes_attrs[n++] = &kmemlab_api_bytes[api].attr.attr;
	}
}

/* sysfs on the driver: live_allocs, live_bytes of the whole module */
static ssize_t live_allocs_show(struct device_driver *drv, char *buf)
{
	return kmemlab_sum_show(&kmemlab_live, false, buf);
}
static DRIVER_ATTR_RO(live_allocs);

static ssize_t live_bytes_show(struct device_driver *drv, char *buf)
{
	return kmemlab_sum_show(&kmemlab_live, true, buf);
}
static DRIVER_ATTR_RO(live_bytes);

static struct attribute *kmemlab_drv_attrs[] = {
	&driver_attr_live_allocs.attr,
	&driver_attr_live_bytes.attr,
	NULL
};
ATTRIBUTE_GROUPS(kmemlab_drv);

static const struct of_device_id kmemlab_of_match[] = {
	{ .compatible = "kmemlab,lab" },
	{ }
};
MODULE_DEVICE_TABLE(of, kmemlab_of_match);

static struct platform_driver kmemlab_driver = {
	.probe = kmemlab_probe,
	.remove = kmemlab_remove,
	.driver = {
		.name = "kmemlab",
		.of_match_table = kmemlab_of_match,
		.dev_groups = kmemlab_dev_groups,
		.groups = kmemlab_drv_groups,
	},
};

static void kmemlab_unregister_devices(void)
{
	int i;

	for (i = KMEMLAB_MAX_DEVICES - 1; i >= 0; i--) {
		platform_device_unregister(kmemlab_pdevs[i]);
		kmemlab_pdevs[i] = NULL;
	}
}

static int __init kmemlab_init(void)
{
	unsigned int i;
	int ret;

	if (!devices || devices > KMEMLAB_MAX_DEVICES ||
	    dma_bits < 24 || dma_bits > 64)
		return -EINVAL;
	kmemlab_init_api_attrs();
	ret = kmemlab_apis_init();
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&kmemlab_devt, 0, KMEMLAB_MINORS, "kmemlab");
	if (ret)
		goto err_apis;
	kmemlab_class = kmemlab_class_create("kmemlab");
	if (IS_ERR(kmemlab_class)) {
		ret = PTR_ERR(kmemlab_class);
		goto err_region;
	}
	ret = platform_driver_register(&kmemlab_driver);
	if (ret)
		goto err_class;
	for (i = 0; i < devices; i++) {
		kmemlab_pdevs[i] = platform_device_register_simple("kmemlab", i,
								   NULL, 0);
		if (IS_ERR(kmemlab_pdevs[i])) {
			ret = PTR_ERR(kmemlab_pdevs[i]);
			kmemlab_pdevs[i] = NULL;
			goto err_devices;
		}
	}
	return 0;

err_devices:
	kmemlab_unregister_devices();
	platform_driver_unregister(&kmemlab_driver);
err_class:
	class_destroy(kmemlab_class);
err_region:
	unregister_chrdev_region(kmemlab_devt, KMEMLAB_MINORS);
err_apis:
	kmemlab_apis_exit();
	return ret;
}

static void __exit kmemlab_exit(void)
{
	kmemlab_unregister_devices();
	platform_driver_unregister(&kmemlab_driver);
	class_destroy(kmemlab_class);
	unregister_chrdev_region(kmemlab_devt, KMEMLAB_MINORS);
	kmemlab_apis_exit();
}

module_init(kmemlab_init);
module_exit(kmemlab_exit);

MODULE_DESCRIPTION("kmemlab: make real kernel allocations and report what the kernel did");
MODULE_AUTHOR("kmemlab developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KMEMLAB_VERSION);

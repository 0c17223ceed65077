// The virtio structures as the spec (virtio 1.3, sections 2.7, 2.8 and 4.1.4) and Linux's
// include/uapi/linux/virtio_pci.h and virtio_ring.h write them in C, copied by hand: NOT
// derived from src/'s field tables. A nested `struct virtio_pci_cap cap;` is written out.
export const C_STRUCTS = `
struct virtio_pci_cap {
  u8 cap_vndr; u8 cap_next; u8 cap_len; u8 cfg_type; u8 bar; u8 id; u8 padding[2];
  le32 offset; le32 length;
};
struct virtio_pci_cap64 {
  u8 cap_vndr; u8 cap_next; u8 cap_len; u8 cfg_type; u8 bar; u8 id; u8 padding[2];
  le32 offset; le32 length;
  le32 offset_hi; le32 length_hi;
};
struct virtio_pci_notify_cap {
  u8 cap_vndr; u8 cap_next; u8 cap_len; u8 cfg_type; u8 bar; u8 id; u8 padding[2];
  le32 offset; le32 length;
  le32 notify_off_multiplier;
};
struct virtio_pci_cfg_cap {
  u8 cap_vndr; u8 cap_next; u8 cap_len; u8 cfg_type; u8 bar; u8 id; u8 padding[2];
  le32 offset; le32 length;
  u8 pci_cfg_data[4];
};
struct virtio_pci_common_cfg {
  le32 device_feature_select; le32 device_feature; le32 driver_feature_select; le32 driver_feature;
  le16 config_msix_vector; le16 num_queues; u8 device_status; u8 config_generation;
  le16 queue_select; le16 queue_size; le16 queue_msix_vector; le16 queue_enable; le16 queue_notify_off;
  le64 queue_desc; le64 queue_driver; le64 queue_device;
};
struct virtio_pci_common_cfg_1_2 {
  le32 device_feature_select; le32 device_feature; le32 driver_feature_select; le32 driver_feature;
  le16 config_msix_vector; le16 num_queues; u8 device_status; u8 config_generation;
  le16 queue_select; le16 queue_size; le16 queue_msix_vector; le16 queue_enable; le16 queue_notify_off;
  le64 queue_desc; le64 queue_driver; le64 queue_device;
  le16 queue_notify_data; le16 queue_reset;
};
struct virtio_pci_modern_common_cfg {
  le32 device_feature_select; le32 device_feature; le32 driver_feature_select; le32 driver_feature;
  le16 config_msix_vector; le16 num_queues; u8 device_status; u8 config_generation;
  le16 queue_select; le16 queue_size; le16 queue_msix_vector; le16 queue_enable; le16 queue_notify_off;
  le64 queue_desc; le64 queue_driver; le64 queue_device;
  le16 queue_notify_data; le16 queue_reset;
  le16 admin_queue_index; le16 admin_queue_num;
};
struct vring_desc { le64 addr; le32 len; le16 flags; le16 next; };
struct vring_avail { le16 flags; le16 idx; };
struct vring_used_elem { le32 id; le32 len; };
struct vring_used { le16 flags; le16 idx; };
struct vring_packed_desc { le64 addr; le32 len; le16 id; le16 flags; };
struct vring_packed_desc_event { le16 off_wrap; le16 flags; };
`;

/** The spec names pcicfg spells as Linux does. */
export const RENAMED: Record<string, string> = { config_msix_vector: 'msix_config' };

// Why the driver gave up on a device. One code per failure, like rcore-os/virtio-drivers'
// error enum; the steps the driver had already taken travel with the error.

export type VirtioDriverErrorCode =
  /** The function is not a virtio PCI function (or not the one asked for). */
  | 'NOT_VIRTIO'
  /** The requested interface (modern or legacy) is not there or its BAR is unusable. */
  | 'NO_TRANSPORT'
  /** device_status did not read back 0 after the reset write within the poll budget. */
  | 'RESET_TIMEOUT'
  /** A modern device that does not offer VIRTIO_F_VERSION_1 (Linux: vp_finalize_features). */
  | 'NO_VERSION_1'
  /** The common configuration is too short for the negotiated features. */
  | 'COMMON_CFG_TOO_SHORT'
  /** FEATURES_OK did not stick: the device refused the feature subset. */
  | 'FEATURES_NOT_ACCEPTED'
  /** A queue to set up reads size 0, or is already enabled / already has a PFN. */
  | 'QUEUE_UNAVAILABLE'
  /** A legacy queue whose QUEUE_NUM is not a power of two (Linux: "Bad virtqueue length"). */
  | 'BAD_QUEUE_SIZE'
  /** The queue's doorbell cannot be computed or lies outside the notify structure. */
  | 'BAD_NOTIFY'
  /** A ring does not fit the guest memory window the driver allocates from. */
  | 'OUT_OF_GUEST_MEMORY'
  /** The device set DEVICE_NEEDS_RESET (or FAILED) during initialisation. */
  | 'DEVICE_FAILED'
  /** A request does not fit the queue (too many descriptors in flight). */
  | 'QUEUE_FULL'
  /** The request was not completed within the poll budget. */
  | 'REQUEST_TIMEOUT';

export class VirtioDriverError extends Error {
  constructor(
    readonly code: VirtioDriverErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'VirtioDriverError';
  }
}

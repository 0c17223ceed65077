// Behaviour of struct virtio_pci_common_cfg (spec 4.1.4.3) over a VirtioModelCore. The
// layout and which fields a driver may write come from the virtio layer's table; this file
// says what each field means when it is read or written.
import { commonCfgStruct, type CommonCfgLayout } from '../virtio/common-cfg.js';
import { VIRTIO_F_RING_RESET } from '../virtio/features.js';
import { VirtioModelCore } from './core.js';
import { ModelStructRegisters } from './registers.js';

export function commonCfgRegisters(core: VirtioModelCore, layout: CommonCfgLayout): ModelStructRegisters {
  const q = () => core.selectedQueue();
  return new ModelStructRegisters(commonCfgStruct(layout), {
    get(field) {
      switch (field) {
        case 'device_feature_select':
          return core.deviceFeatureSelect;
        case 'device_feature':
          return VirtioModelCore.featureWord(core.deviceFeatures, core.deviceFeatureSelect);
        case 'driver_feature_select':
          return core.driverFeatureSelect;
        case 'driver_feature':
          return VirtioModelCore.featureWord(core.driverFeatures, core.driverFeatureSelect);
        case 'msix_config':
          return core.msixConfig;
        case 'num_queues':
          return core.queues.length;
        case 'device_status':
          return core.status;
        case 'config_generation':
          return core.configGeneration;
        case 'queue_select':
          return core.queueSelect;
        case 'queue_size':
          return q()?.size ?? 0;
        case 'queue_msix_vector':
          return q()?.msixVector ?? 0;
        case 'queue_enable':
          return q()?.enabled ? 1 : 0;
        case 'queue_notify_off':
          return q()?.notifyOff ?? 0;
        case 'queue_desc':
          return q()?.desc ?? 0n;
        case 'queue_driver':
          return q()?.driver ?? 0n;
        case 'queue_device':
          return q()?.device ?? 0n;
        case 'queue_notify_data':
          return q()?.notifConfigData ?? 0;
        // A queue reset completes at once, so the driver never sees 1.
        case 'queue_reset':
        case 'admin_queue_index':
        case 'admin_queue_num':
          return 0;
        default:
          throw new Error(`common_cfg field ${field} has no model behaviour`);
      }
    },
    set(field, value) {
      const v = Number(value);
      const sel = q();
      switch (field) {
        case 'device_feature_select':
          core.deviceFeatureSelect = v;
          return;
        case 'driver_feature_select':
          core.driverFeatureSelect = v;
          return;
        case 'driver_feature':
          core.setDriverFeatureWord(core.driverFeatureSelect, v);
          return;
        case 'msix_config':
          core.msixConfig = core.checkedVector(v);
          return;
        case 'device_status':
          core.setStatus(v);
          return;
        case 'queue_select':
          core.selectQueue(v);
          return;
      }
      if (!sel) return;
      switch (field) {
        case 'queue_size':
          core.setQueueSize(sel, v);
          return;
        case 'queue_msix_vector':
          sel.msixVector = core.checkedVector(v);
          return;
        case 'queue_enable':
          // Only 1 means something (the spec forbids writing 0; QEMU flags it as an error).
          if (v === 1 && !sel.enabled) core.enableQueue(sel);
          return;
        case 'queue_desc':
          if (!sel.enabled) sel.desc = BigInt(value);
          return;
        case 'queue_driver':
          if (!sel.enabled) sel.driver = BigInt(value);
          return;
        case 'queue_device':
          if (!sel.enabled) sel.device = BigInt(value);
          return;
        case 'queue_reset':
          if (v === 1 && core.hasNegotiated(VIRTIO_F_RING_RESET)) core.resetQueue(sel);
          return;
        default:
          throw new Error(`common_cfg field ${field} is writable in the table but has no model behaviour`);
      }
    },
  });
}

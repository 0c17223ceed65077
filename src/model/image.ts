// The config image of a model function, written by the PCI and virtio layers' encoders (the
// header table, buildVirtioCap, the MSI-X, PCI Express and PM tables), so the bytes the decoders read back are
// the bytes those encoders produce. Also returns every placed structure, whose access columns
// become the model's register semantics.
import { PCI_CAP_ID } from '../pci/cap-ids.js';
import { PCI_STATUS_CAP_LIST } from '../pci/config-space.js';
import { pciHeaderType0 } from '../pci/header.js';
import { msixRegisters, pciMsixCap } from '../pci/caps/msix.js';
import { pciExpCap } from '../pci/caps/pcie.js';
import { pciPmCap } from '../pci/caps/pm.js';
import {
  buildVirtioCap,
  virtioCapStruct,
  VIRTIO_PCI_CAP_COMMON_CFG,
  VIRTIO_PCI_CAP_DEVICE_CFG,
  VIRTIO_PCI_CAP_ISR_CFG,
  VIRTIO_PCI_CAP_NOTIFY_CFG,
  VIRTIO_PCI_CAP_PCI_CFG,
} from '../virtio/caps.js';
import type { ModelPlacedStruct } from './config-space.js';
import { modelBarFlags } from './bars.js';
import { checkModelDescription, defaultModelIds, MODEL_CAP_SIZES, resolveCapOffsets, type ModelCapKind, type VirtioModelDescription } from './description.js';

export interface ModelConfigImage {
  readonly bytes: Uint8Array;
  readonly placed: ModelPlacedStruct[];
  /** Offsets of the capabilities, in walk order. */
  readonly caps: ReadonlyArray<{ kind: ModelCapKind; at: number; notify?: number }>;
}

const CFG_TYPE: Record<Exclude<ModelCapKind, 'msix' | 'pcie' | 'pm'>, number> = {
  common: VIRTIO_PCI_CAP_COMMON_CFG,
  isr: VIRTIO_PCI_CAP_ISR_CFG,
  device: VIRTIO_PCI_CAP_DEVICE_CFG,
  notify: VIRTIO_PCI_CAP_NOTIFY_CFG,
  pci_cfg: VIRTIO_PCI_CAP_PCI_CFG,
};

export function buildModelConfigImage(d: VirtioModelDescription): ModelConfigImage {
  checkModelDescription(d);
  const size = d.configSpaceSize ?? 256;
  const bytes = new Uint8Array(size);
  const ids = defaultModelIds(d);
  const caps = resolveCapOffsets(d.caps);
  const bar = (i: number) => {
    const b = d.bars.find((x) => x.index === i);
    if (!b) return 0;
    return modelBarFlags(b);
  };
  pciHeaderType0.encode(
    {
      ...pciHeaderType0.zero(),
      vendor_id: ids.vendorId,
      device_id: ids.deviceId,
      command: 0,
      status: caps.length > 0 ? PCI_STATUS_CAP_LIST : 0,
      revision_id: ids.revision,
      prog_if: ids.progIf,
      subclass: ids.subclass,
      base_class: ids.baseClass,
      header_type: 0,
      bar0: bar(0),
      bar1: bar(1),
      bar2: bar(2),
      bar3: bar(3),
      bar4: bar(4),
      bar5: bar(5),
      subsystem_vendor_id: ids.subsystemVendorId,
      subsystem_id: ids.subsystemId,
      capabilities_pointer: caps.length > 0 ? caps[0].at : 0,
      interrupt_pin: d.interruptPin ?? 1,
    },
    bytes,
    0,
  );
  const placed: ModelPlacedStruct[] = [{ struct: pciHeaderType0, offset: 0, label: 'header' }];
  caps.forEach((c, i) => {
    const next = i + 1 < caps.length ? caps[i + 1].at : 0;
    if (c.kind === 'msix') {
      const m = d.msix!;
      pciMsixCap.encode(
        {
          cap_id: PCI_CAP_ID.MSIX,
          cap_next: next,
          ...msixRegisters({ table_size: m.vectors, table_bir: m.table.bar, table_offset: m.table.offset, pba_bir: m.pba.bar, pba_offset: m.pba.offset }),
        },
        bytes,
        c.at,
      );
      placed.push({ struct: pciMsixCap, offset: c.at, label: `msix@0x${c.at.toString(16)}` });
      return;
    }
    if (c.kind === 'pcie') {
      pciExpCap.encode({ ...pciExpCap.zero(), ...d.pcie, cap_id: PCI_CAP_ID.EXP, cap_next: next }, bytes, c.at);
      placed.push({ struct: pciExpCap, offset: c.at, label: `pcie@0x${c.at.toString(16)}` });
      return;
    }
    if (c.kind === 'pm') {
      pciPmCap.encode({ ...pciPmCap.zero(), ...d.pm, cap_id: PCI_CAP_ID.PM, cap_next: next }, bytes, c.at);
      placed.push({ struct: pciPmCap, offset: c.at, label: `pm@0x${c.at.toString(16)}` });
      return;
    }
    const cfgType = CFG_TYPE[c.kind];
    const r =
      c.kind === 'pci_cfg'
        ? { bar: 0, offset: 0, length: 0 }
        : c.kind === 'notify'
          ? d.regions.notify[c.notify ?? 0]
          : c.kind === 'device'
            ? d.regions.device!
            : d.regions[c.kind];
    const capBytes = buildVirtioCap({
      cfg_type: cfgType,
      cap_next: next,
      bar: r.bar,
      offset: r.offset,
      length: r.length,
      notify_off_multiplier: c.kind === 'notify' ? d.regions.notify[c.notify ?? 0].multiplier : undefined,
    });
    if (capBytes.length !== MODEL_CAP_SIZES[c.kind]) throw new Error(`virtio ${c.kind} cap is ${capBytes.length} bytes`);
    bytes.set(capBytes, c.at);
    placed.push({ struct: virtioCapStruct(cfgType), offset: c.at, label: `virtio ${c.kind}@0x${c.at.toString(16)}` });
  });
  return { bytes, placed, caps };
}

// Class code names (base class, subclass, programming interface) for the common classes, in
// the PCI Code and ID Assignment spec's words (the same names pci.ids uses).

export interface SubclassEntry {
  readonly name: string;
  readonly progIf?: Readonly<Record<number, string>>;
}

export interface BaseClassEntry {
  readonly name: string;
  readonly sub: Readonly<Record<number, SubclassEntry>>;
}

const OTHER = 0x80;

export const PCI_CLASS_NAMES: Readonly<Record<number, BaseClassEntry>> = {
  0x00: { name: 'Unclassified device', sub: { 0x00: { name: 'Non-VGA unclassified device' }, 0x01: { name: 'VGA compatible unclassified device' } } },
  0x01: {
    name: 'Mass storage controller',
    sub: {
      0x00: { name: 'SCSI storage controller' },
      0x01: { name: 'IDE interface' },
      0x02: { name: 'Floppy disk controller' },
      0x03: { name: 'IPI bus controller' },
      0x04: { name: 'RAID bus controller' },
      0x05: { name: 'ATA controller', progIf: { 0x20: 'ADMA single stepping', 0x30: 'ADMA continuous operation' } },
      0x06: { name: 'SATA controller', progIf: { 0x00: 'Vendor specific', 0x01: 'AHCI 1.0', 0x02: 'Serial Storage Bus' } },
      0x07: { name: 'Serial Attached SCSI controller', progIf: { 0x01: 'Serial Storage Bus' } },
      0x08: { name: 'Non-Volatile memory controller', progIf: { 0x01: 'NVMHCI', 0x02: 'NVM Express' } },
      0x09: { name: 'Universal Flash Storage controller' },
      [OTHER]: { name: 'Mass storage controller' },
    },
  },
  0x02: {
    name: 'Network controller',
    sub: {
      0x00: { name: 'Ethernet controller' },
      0x01: { name: 'Token ring network controller' },
      0x02: { name: 'FDDI network controller' },
      0x03: { name: 'ATM network controller' },
      0x04: { name: 'ISDN controller' },
      0x05: { name: 'WorldFip controller' },
      0x06: { name: 'PICMG controller' },
      0x07: { name: 'Infiniband controller' },
      0x08: { name: 'Fabric controller' },
      [OTHER]: { name: 'Network controller' },
    },
  },
  0x03: {
    name: 'Display controller',
    sub: {
      0x00: { name: 'VGA compatible controller', progIf: { 0x00: 'VGA controller', 0x01: '8514 controller' } },
      0x01: { name: 'XGA compatible controller' },
      0x02: { name: '3D controller' },
      [OTHER]: { name: 'Display controller' },
    },
  },
  0x04: {
    name: 'Multimedia controller',
    sub: { 0x00: { name: 'Multimedia video controller' }, 0x01: { name: 'Multimedia audio controller' }, 0x02: { name: 'Computer telephony device' }, 0x03: { name: 'Audio device' }, [OTHER]: { name: 'Multimedia controller' } },
  },
  0x05: { name: 'Memory controller', sub: { 0x00: { name: 'RAM memory' }, 0x01: { name: 'FLASH memory' }, 0x02: { name: 'CXL' }, [OTHER]: { name: 'Memory controller' } } },
  0x06: {
    name: 'Bridge',
    sub: {
      0x00: { name: 'Host bridge' },
      0x01: { name: 'ISA bridge' },
      0x02: { name: 'EISA bridge' },
      0x03: { name: 'MicroChannel bridge' },
      0x04: { name: 'PCI bridge', progIf: { 0x00: 'Normal decode', 0x01: 'Subtractive decode' } },
      0x05: { name: 'PCMCIA bridge' },
      0x06: { name: 'NuBus bridge' },
      0x07: { name: 'CardBus bridge' },
      0x08: { name: 'RACEway bridge', progIf: { 0x00: 'Transparent mode', 0x01: 'Endpoint mode' } },
      0x09: { name: 'Semi-transparent PCI-to-PCI bridge', progIf: { 0x40: 'Primary bus towards host CPU', 0x80: 'Secondary bus towards host CPU' } },
      0x0a: { name: 'InfiniBand to PCI host bridge' },
      [OTHER]: { name: 'Bridge' },
    },
  },
  0x07: {
    name: 'Communication controller',
    sub: {
      0x00: { name: 'Serial controller', progIf: { 0x00: '8250', 0x01: '16450', 0x02: '16550', 0x03: '16650', 0x04: '16750', 0x05: '16850', 0x06: '16950' } },
      0x01: { name: 'Parallel controller', progIf: { 0x00: 'SPP', 0x01: 'BiDir', 0x02: 'ECP', 0x03: 'IEEE1284', 0xfe: 'IEEE1284 Target' } },
      0x02: { name: 'Multiport serial controller' },
      0x03: { name: 'Modem', progIf: { 0x00: 'Generic', 0x01: 'Hayes/16450', 0x02: 'Hayes/16550', 0x03: 'Hayes/16650', 0x04: 'Hayes/16750' } },
      0x04: { name: 'GPIB controller' },
      0x05: { name: 'Smart Card controller' },
      [OTHER]: { name: 'Communication controller' },
    },
  },
  0x08: {
    name: 'Generic system peripheral',
    sub: {
      0x00: { name: 'PIC', progIf: { 0x00: '8259', 0x01: 'ISA PIC', 0x02: 'EISA PIC', 0x10: 'IO-APIC', 0x20: 'IO(X)-APIC' } },
      0x01: { name: 'DMA controller' },
      0x02: { name: 'Timer' },
      0x03: { name: 'RTC' },
      0x04: { name: 'PCI Hot-plug controller' },
      0x05: { name: 'SD Host controller' },
      0x06: { name: 'IOMMU' },
      0x07: { name: 'Root Complex Event Collector' },
      [OTHER]: { name: 'System peripheral' },
    },
  },
  0x09: { name: 'Input device controller', sub: { 0x00: { name: 'Keyboard controller' }, 0x01: { name: 'Digitizer Pen' }, 0x02: { name: 'Mouse controller' }, 0x03: { name: 'Scanner controller' }, 0x04: { name: 'Gameport controller' }, [OTHER]: { name: 'Input device controller' } } },
  0x0a: { name: 'Docking station', sub: { 0x00: { name: 'Generic Docking Station' }, [OTHER]: { name: 'Docking Station' } } },
  0x0b: { name: 'Processor', sub: { 0x00: { name: '386' }, 0x01: { name: '486' }, 0x02: { name: 'Pentium' }, 0x10: { name: 'Alpha' }, 0x20: { name: 'Power PC' }, 0x30: { name: 'MIPS' }, 0x40: { name: 'Co-processor' } } },
  0x0c: {
    name: 'Serial bus controller',
    sub: {
      0x00: { name: 'FireWire (IEEE 1394)', progIf: { 0x00: 'Generic', 0x10: 'OHCI' } },
      0x01: { name: 'ACCESS Bus' },
      0x02: { name: 'SSA' },
      0x03: { name: 'USB controller', progIf: { 0x00: 'UHCI', 0x10: 'OHCI', 0x20: 'EHCI', 0x30: 'XHCI', 0x40: 'USB4 Host Interface', 0x80: 'Unspecified', 0xfe: 'USB Device' } },
      0x04: { name: 'Fibre Channel' },
      0x05: { name: 'SMBus' },
      0x06: { name: 'InfiniBand' },
      0x07: { name: 'IPMI Interface', progIf: { 0x00: 'SMIC', 0x01: 'KCS', 0x02: 'BT (Block Transfer)' } },
      0x08: { name: 'SERCOS interface' },
      0x09: { name: 'CANBUS' },
      0x80: { name: 'Serial bus controller' },
    },
  },
  0x0d: { name: 'Wireless controller', sub: { 0x00: { name: 'IRDA controller' }, 0x01: { name: 'Consumer IR controller' }, 0x10: { name: 'RF controller' }, 0x11: { name: 'Bluetooth' }, 0x12: { name: 'Broadband' }, 0x20: { name: '802.1a controller' }, 0x21: { name: '802.1b controller' }, [OTHER]: { name: 'Wireless controller' } } },
  0x0e: { name: 'Intelligent controller', sub: { 0x00: { name: 'I2O' } } },
  0x0f: { name: 'Satellite communications controller', sub: { 0x01: { name: 'Satellite TV controller' }, 0x02: { name: 'Satellite audio communication controller' }, 0x03: { name: 'Satellite voice communication controller' }, 0x04: { name: 'Satellite data communication controller' } } },
  0x10: { name: 'Encryption controller', sub: { 0x00: { name: 'Network and computing encryption device' }, 0x10: { name: 'Entertainment encryption device' }, [OTHER]: { name: 'Encryption controller' } } },
  0x11: { name: 'Signal processing controller', sub: { 0x00: { name: 'DPIO module' }, 0x01: { name: 'Performance counters' }, 0x10: { name: 'Communication synchronizer' }, 0x20: { name: 'Signal processing management' }, [OTHER]: { name: 'Signal processing controller' } } },
  0x12: { name: 'Processing accelerators', sub: { 0x00: { name: 'Processing accelerators' }, 0x01: { name: 'SNIA Smart Data Accelerator Interface (SDXI) controller' } } },
  0x13: { name: 'Non-Essential Instrumentation', sub: {} },
  0x40: { name: 'Coprocessor', sub: {} },
  0xff: { name: 'Unassigned class', sub: {} },
};

export interface PciClassName {
  readonly baseClass: string | null;
  readonly subclass: string | null;
  readonly progIf: string | null;
}

/** Names of a 24-bit class code's parts; null where the table has no name. */
export function pciClassName(classCode: number): PciClassName {
  const base = PCI_CLASS_NAMES[(classCode >>> 16) & 0xff];
  const sub = base?.sub[(classCode >>> 8) & 0xff];
  return { baseClass: base?.name ?? null, subclass: sub?.name ?? null, progIf: sub?.progIf?.[classCode & 0xff] ?? null };
}

/** One line, most specific name first known: "Mass storage controller / SCSI storage controller". */
export function pciClassDescription(classCode: number): string {
  const n = pciClassName(classCode);
  const hexCode = classCode.toString(16).padStart(6, '0');
  if (!n.baseClass) return `Class ${hexCode}`;
  const parts = [n.baseClass];
  if (n.subclass) parts.push(n.subclass);
  return parts.join(' / ') + (n.progIf ? ` (${n.progIf})` : '') + ` [${hexCode}]`;
}

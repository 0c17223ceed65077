// What a device type plugs into the virtio-pci model: its configuration bytes and what it
// does when a queue is kicked. The host side gives it guest memory and interrupts.
import type { Struct } from '../layout/struct.js';
import type { VringGuestMemory } from '../vring/memory.js';
import type { ModelQueueState, VirtioModelCore } from './core.js';
import type { ModelKick } from './notify.js';

export interface ModelBackendHost {
  readonly memory: VringGuestMemory;
  readonly core: VirtioModelCore;
  /** False while the Command register's bus-master bit is clear: no DMA, no ring access. */
  readonly busMaster: boolean;
  /** Used buffers are ready on queue `q`: ISR bit 0 and an interrupt (MSI-X vector or INTx). */
  signalQueue(q: number): void;
  /** New device configuration bytes: config_generation changes and a config interrupt fires. */
  setDeviceConfig(bytes: Uint8Array): void;
}

export interface VirtioModelBackend {
  readonly deviceType: number;
  /** Device-specific feature bits the backend implements (added to the description's). */
  readonly features?: bigint;
  /** Table of the device configuration; its access column says what a driver may write. */
  readonly configStruct?: Struct<any>;
  /** Device configuration bytes at power-on. */
  configBytes(): Uint8Array;
  attach(host: ModelBackendHost): void;
  /** Device reset: forget every ring. */
  reset(): void;
  queueEnabled?(q: ModelQueueState): void;
  queueReset?(q: ModelQueueState): void;
  kick(queue: number, kick: ModelKick): void;
}

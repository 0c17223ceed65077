// One function decoded for the CLI: the library's decodeFunction, with what the dump gave
// and how many queues the output lists.
import type { Diagnostic } from '../bytes/diagnostic.js';
import type { ConfigSpace } from '../pci/types.js';
import { decodeFunction } from '../virtio/decode-function.js';
import type { DeviceInput } from './input.js';
import { DEFAULT_QUEUES_SHOWN, type VirtioView } from './virtio-view.js';

export interface DecodedDevice {
  readonly input: DeviceInput;
  readonly cs: ConfigSpace;
  readonly virtio: VirtioView | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `forceExtendedCapabilities`: walk 0x100.. even where Linux gives the function 256 bytes
 * (decode --force-ext-caps; encode when the JSON lists extended capabilities).
 */
export function decodeDevice(input: DeviceInput, queuesShown = DEFAULT_QUEUES_SHOWN, forceExtendedCapabilities = false): DecodedDevice {
  // The inputs are the readers' own fresh arrays, never changed after: no copy is needed.
  const { cs, transport, diagnostics } = decodeFunction(input, forceExtendedCapabilities);
  return { input, cs, virtio: transport ? { transport, diagnostics: transport.diagnostics, queuesShown } : null, diagnostics };
}

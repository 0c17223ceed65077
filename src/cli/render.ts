// One function of `decode` output as one string (text, JSON or the annotated hex dump).
import { formatPciAddress } from '../pci/bus.js';
import { annotateLines } from '../layout/annotate-text.js';
import { decodeDevice, type DecodedDevice } from './device.js';
import { deviceJson } from './device-json.js';
import type { DeviceInput } from './input.js';
import { DESCRIPTION_MAX, shown } from './shown.js';
import { deviceText } from './text.js';
import type { CliNames } from './names.js';

export type DecodeMode = 'text' | 'json' | 'annotate';

function annotateText(dev: DecodedDevice): string[] {
  const slot = dev.input.slot ? formatPciAddress(dev.input.slot) : '(no slot)';
  return [
    `${slot} ${shown(dev.input.description, DESCRIPTION_MAX)}`.trimEnd(),
    ...annotateLines({ bytes: dev.cs.bytes, known: dev.input.known, length: dev.input.length, regions: dev.cs.regions }),
  ];
}

/**
 * A function's output without the separator between functions: text and annotate end with a
 * newline, JSON is one line.
 */
export function renderDevice(input: DeviceInput, mode: DecodeMode, queuesShown: number, forceExtendedCapabilities = false, names: CliNames = null): string {
  const dev = decodeDevice(input, queuesShown, forceExtendedCapabilities);
  if (mode === 'json') return JSON.stringify(deviceJson(dev, undefined, names));
  const lines = mode === 'text' ? deviceText(dev, names) : annotateText(dev);
  lines.push(''); // the final newline, from join itself (one flat string)
  return lines.join('\n');
}

// notify needs exactly one virtio function: the one -s names, or the only one in the input.
import { formatPciAddress } from '../../pci/bus.js';
import type { CommandContext } from '../context.js';
import { decodeDevice, type DecodedDevice } from '../device.js';
import { CliInputError, CliUsageError } from '../errors.js';
import { inputName, readInputs, type InputSpec } from '../input.js';

export async function pickVirtioDevice(spec: InputSpec, ctx: CommandContext): Promise<DecodedDevice> {
  let found: DecodedDevice | null = null;
  const others: string[] = [];
  let seen = 0;
  for await (const input of readInputs(spec, ctx)) {
    seen++;
    const dev = decodeDevice(input);
    if (!dev.virtio) continue;
    if (found === null) found = dev;
    // Only the first few are named in the message: a host-sized dump is not held.
    else if (others.length < 8) others.push(input.slot ? formatPciAddress(input.slot) : '(no slot)');
  }
  const where = inputName(spec);
  if (found === null) {
    const why =
      seen === 0 && spec.slotText !== null
        ? `no function matches -s ${spec.slotText}`
        : `no virtio function (vendor 1af4, device 1000–107f)${spec.slotText !== null ? ` matches -s ${spec.slotText}` : ''}`;
    throw new CliInputError(where, why);
  }
  if (others.length) {
    const first = found.input.slot ? formatPciAddress(found.input.slot) : '(no slot)';
    throw new CliUsageError(`${where} holds several virtio functions (${[first, ...others].slice(0, 8).join(', ')}${others.length > 7 ? ', …' : ''}); choose one with -s`, spec.command);
  }
  return found;
}

// Types of project.mjs for the tests (which call it with the sources in src/).
import type { ConfigSpace, DecodeOptions, VendorCapDecoder } from '../../src/pci/types.js';
import type { NotifyAddress, ProbeOptions, VirtioTransport } from '../../src/virtio/index.js';

/** The parts of the library the projection calls (src/ in tests, dist/ in the generator). */
export interface VectorLib {
  decodeConfigSpace(bytes: Uint8Array, opts?: DecodeOptions): ConfigSpace;
  probeVirtio(cs: ConfigSpace, opts?: ProbeOptions): VirtioTransport;
  notifyAddress(t: VirtioTransport, queueNotifyOff: number): NotifyAddress | null;
  isVirtioPciId(vendorId: number, deviceId: number): boolean;
  virtioVendorCapDecoder: VendorCapDecoder;
}

export interface VectorQueue {
  index: number;
  queue_size: number;
  queue_notify_off?: number;
}

export interface VectorBar {
  index: number;
  kind: string;
  prefetchable: boolean;
  address: string;
  size: string | null;
}

/** The `device` section of a vector: what QEMU said, or what the builder declared. */
export interface VectorDevice {
  bars?: VectorBar[];
  rom?: { address: string; size: string } | null;
  bridge?: { primary: number; secondary: number; subordinate: number };
  factsSource?: string;
  deviceFeatures?: string;
  numQueues?: number;
  queues?: VectorQueue[];
}

export interface VectorDecodeOptions {
  barSizes: Map<number, bigint> | undefined;
  features: bigint | undefined;
  queueNotifyOffs: number[] | undefined;
  numQueues: number | undefined;
}

export function hx(v: number | bigint | null | undefined): string | null;
export function big(v: string | number | bigint): bigint;
export function decodeOptionsFor(device: VectorDevice | undefined): VectorDecodeOptions;
export function decodeVector(
  lib: VectorLib,
  bytes: Uint8Array,
  length: number,
  device: VectorDevice | undefined,
): { cs: ConfigSpace; transport: VirtioTransport | null; json: any };
export function project(cs: ConfigSpace, t: VirtioTransport | null, doorbells?: unknown[]): any;
export function stableJson(v: unknown): string;
/** Every diagnostic code in a projection (config space, probe, caps, doorbells). */
export function allCodes(json: any): Set<string>;

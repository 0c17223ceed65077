// Mutations of configuration images and of dump text. Image mutations aim where decoders
// branch: capability and extended-capability pointers (into the header, back into the list,
// onto themselves, unaligned, past the end), virtio capability fields (bar, offset, length,
// cap_len, cfg_type, multiplier), BAR registers, the header type and the status bit.
import { capList, extCapList } from './corpus.mjs';

const INTERESTING8 = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0f, 0x10, 0x11, 0x14, 0x18, 0x34, 0x3c, 0x40, 0x7f, 0x80, 0xfc, 0xfe, 0xff];
const INTERESTING32 = [0, 1, 2, 4, 0x1000, 0x7fffffff, 0x80000000, 0xfffffffc, 0xfffffffe, 0xffffffff, 0xfffff000];

function put32(b, o, v) {
  if (o < 0 || o + 4 > b.length) return;
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

function put8(b, o, v) {
  if (o >= 0 && o < b.length) b[o] = v & 0xff;
}

/** A pointer value of a kind that has bitten config-space walkers. */
function badPointer(rng, b, caps, limit) {
  switch (rng.int(7)) {
    case 0:
      return rng.range(0, 0x3f); // into the header
    case 1:
      return caps.length ? rng.pick(caps) : 0x40; // back into the list: a loop
    case 2:
      return rng.range(0, limit - 1) | rng.range(1, 3); // unaligned
    case 3:
      return rng.range(limit - 8, limit + 8) & 0xff; // at or around the end
    case 4:
      return 0;
    case 5:
      return rng.pick(INTERESTING8);
    default:
      return rng.range(0, 0xff);
  }
}

/** Apply one mutation to `b` in place. Returns a short name of what was done. */
export function mutateImage(rng, b, donors) {
  const caps = capList(b);
  switch (rng.int(14)) {
    case 0: {
      const n = rng.count(0.6, 8);
      for (let i = 0; i < n; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return 'bitflip';
    }
    case 1: {
      b[rng.int(b.length)] = rng.pick(INTERESTING8);
      return 'byte';
    }
    case 2: {
      put32(b, rng.int(b.length - 3) & ~(rng.chance(0.7) ? 3 : 0), rng.pick(INTERESTING32));
      return 'dword';
    }
    case 3: {
      // Rewrite a capability pointer: 0x34 or some cap's next.
      const where = caps.length && rng.chance(0.7) ? rng.pick(caps) + 1 : 0x34;
      put8(b, where, badPointer(rng, b, caps, 0x100));
      return 'cap-pointer';
    }
    case 4: {
      // Rewrite an extended capability's next pointer (bits 20..31 of its header).
      const ext = extCapList(b);
      if (!ext.length) return mutateImage(rng, b, donors);
      const at = rng.pick(ext);
      const choices = [rng.range(0, 0xff), rng.pick(ext), rng.range(0x100, 0xfff) | 1, 0xffc, 0xffe, 0x100, at, 0x1000 - 4];
      const next = rng.pick(choices) & 0xfff;
      b[at + 2] = (b[at + 2] & 0x0f) | ((next & 0xf) << 4);
      b[at + 3] = next >>> 4;
      return 'extcap-pointer';
    }
    case 5: {
      // A virtio capability field: cap_len, cfg_type, bar, id, offset, length, multiplier.
      const vcaps = caps.filter((p) => b[p] === 0x09);
      if (!vcaps.length) return mutateImage(rng, b, donors);
      const p = rng.pick(vcaps);
      switch (rng.int(6)) {
        case 0:
          put8(b, p + 2, rng.pick([0, 1, 2, 3, 4, 8, 15, 16, 19, 20, 24, 0x80, 0xff, rng.range(0, 0xff)]));
          break;
        case 1:
          put8(b, p + 3, rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xff, rng.range(0, 0xff)]));
          break;
        case 2:
          put8(b, p + 4, rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 0xff, rng.range(0, 0xff)]));
          break;
        case 3:
          put32(b, p + 8, rng.chance(0.5) ? rng.pick(INTERESTING32) : rng.u32() & ~(rng.chance(0.5) ? 0 : 0xfff));
          break;
        case 4:
          put32(b, p + 12, rng.chance(0.5) ? rng.pick(INTERESTING32) : rng.u32() >>> rng.int(32));
          break;
        default:
          put32(b, p + 16, rng.pick([...INTERESTING32, 3, 0x1000, 4, rng.u32()]));
      }
      return 'virtio-field';
    }
    case 6: {
      // A BAR register: a new type, an address, or a 64-bit BAR in the last slot.
      const i = rng.int(6);
      const o = 0x10 + 4 * i;
      const kind = rng.pick([0x0, 0x1, 0x4, 0x8, 0xc, 0x2, 0x6, rng.range(0, 0xf)]);
      put32(b, o, ((rng.chance(0.3) ? 0xfffffff0 : rng.u32() & 0xfffffff0) | kind) >>> 0);
      if (rng.chance(0.3)) put32(b, 0x24, 0x0000000c | (rng.u32() & 0xfffffff0));
      return 'bar';
    }
    case 7: {
      b[0x0e] = rng.pick([0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0x81, 0x82, rng.range(0, 0xff)]);
      return 'header-type';
    }
    case 8: {
      b[6] ^= 0x10;
      return 'status-cap-bit';
    }
    case 9: {
      // Splice a run of bytes from another seed (same offsets or shifted).
      const d = rng.pick(donors).bytes;
      const from = rng.int(d.length);
      const len = rng.range(1, 64);
      const to = rng.chance(0.5) ? from : rng.int(b.length);
      for (let i = 0; i < len && from + i < d.length && to + i < b.length; i++) b[to + i] = d[from + i];
      return 'splice';
    }
    case 10: {
      // Fill a whole region with one value (ff: a failed read; 00: nothing there).
      const v = rng.pick([0x00, 0xff, rng.range(0, 0xff)]);
      const from = rng.int(b.length);
      b.fill(v, from, Math.min(b.length, from + rng.range(1, 256)));
      return 'fill';
    }
    case 11: {
      // Vendor/device IDs: virtio or not, legacy or modern, out of range.
      put8(b, 0, 0xf4);
      put8(b, 1, 0x1a);
      const dev = rng.pick([0x1000, 0x1001, 0x103f, 0x1040, 0x1041, 0x1042, 0x107f, 0x1080, 0x10ff, rng.range(0, 0xffff)]);
      put8(b, 2, dev & 0xff);
      put8(b, 3, dev >>> 8);
      if (rng.chance(0.3)) put8(b, 8, rng.range(0, 2));
      return 'ids';
    }
    case 12: {
      // MSI-X capability fields: table size, BIR, offsets.
      const m = caps.filter((p) => b[p] === 0x11);
      if (!m.length) return mutateImage(rng, b, donors);
      const p = rng.pick(m);
      const r = rng.int(3);
      if (r === 0) {
        put8(b, p + 2, rng.range(0, 0xff));
        put8(b, p + 3, rng.range(0, 0xff));
      } else put32(b, p + 4 * r, (rng.u32() & ~7) | rng.range(0, 7));
      return 'msix-field';
    }
    default: {
      // Random bytes over one capability body.
      if (!caps.length) return mutateImage(rng, b, donors);
      const p = rng.pick(caps);
      for (let i = p + 2; i < Math.min(b.length, p + 2 + rng.range(1, 24)); i++) b[i] = rng.u32() & 0xff;
      return 'cap-body';
    }
  }
}

/** A random image with a plausible skeleton (status bit, a capability chain) more often than not. */
export function randomImage(rng) {
  const size = rng.pick([256, 256, 4096, 4096, 64, rng.range(0, 4096)]);
  const b = rng.bytes(size);
  if (size >= 0x40 && rng.chance(0.7)) {
    b[6] |= 0x10;
    b[0x0e] = rng.pick([0, 0, 0, 1, 2, 0x80]);
    let p = 0x40 + 4 * rng.int(8);
    if (size > 0x34) b[0x34] = p;
    const n = rng.range(1, 10);
    for (let i = 0; i < n && p + 2 < Math.min(size, 0x100); i++) {
      b[p] = rng.pick([0x01, 0x05, 0x09, 0x09, 0x09, 0x10, 0x11, 0x03, 0x0d, 0x12, 0x13, rng.range(0, 0xff)]);
      if (b[p] === 0x09) {
        b[p + 2] = rng.pick([16, 20, 24, rng.range(0, 32)]);
        if (p + 4 < size) b[p + 3] = rng.range(0, 10);
        if (p + 5 < size) b[p + 4] = rng.range(0, 6);
      }
      const next = p + 4 * rng.range(2, 16);
      b[p + 1] = i === n - 1 ? 0 : next;
      p = next;
    }
    if (size >= 0x100 && rng.chance(0.5)) {
      b[0] = 0xf4;
      b[1] = 0x1a;
      b[2] = 0x40 + rng.range(0, 0x3f);
      b[3] = 0x10;
    }
  }
  return b;
}

const TEXT_ALPHABET = '0123456789abcdefABCDEF:  \n\n\t*|.-xgz\r';
const TEXT_ODD = ['\u0000', '\u00e9', '\ufffd', '\u{1f600}', '0000:', 'ffff:', '100:', 'fff:', '1000:', '00:04.0 ', '0000:00:04.0 ', '*\n', '\n\n', ' ff', '  '];

/** Apply one mutation to dump text; returns the new text. */
export function mutateText(rng, s) {
  const at = s.length ? rng.int(s.length) : 0;
  switch (rng.int(10)) {
    case 0:
      return s.slice(0, at) + s.slice(at + rng.range(1, 4));
    case 1:
      return s.slice(0, at) + rng.pick(TEXT_ALPHABET) + s.slice(at);
    case 2:
      return s.slice(0, at) + rng.pick(TEXT_ALPHABET) + s.slice(at + 1);
    case 3:
      return s.slice(0, at) + rng.pick(TEXT_ODD) + s.slice(at);
    case 4:
      return s.slice(0, at); // truncation
    case 5: {
      // Duplicate, drop or swap whole lines.
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      const r = rng.int(3);
      if (r === 0) lines.splice(i, 0, lines[j]);
      else if (r === 1) lines.splice(i, 1);
      else [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
    case 6: {
      // Rewrite a line's offset prefix.
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      const c = lines[i].indexOf(':');
      if (c < 0) return s;
      lines[i] = rng.range(0, 0x1100).toString(16).padStart(rng.range(1, 8), '0') + lines[i].slice(c);
      return lines.join('\n');
    }
    case 7:
      return s.slice(0, at) + '\r\n' + s.slice(at);
    case 8: {
      // A very long line of hex pairs.
      const n = rng.range(17, 400);
      let line = '';
      for (let i = 0; i < n; i++) line += ' ' + (rng.u32() & 0xff).toString(16).padStart(2, '0');
      return s.slice(0, at) + line + s.slice(at);
    }
    default: {
      const n = rng.range(1, 3);
      let t = s;
      for (let i = 0; i < n && t.length; i++) {
        const k = rng.int(t.length);
        t = t.slice(0, k) + String.fromCharCode(rng.range(0, 0x7f)) + t.slice(k + 1);
      }
      return t;
    }
  }
}

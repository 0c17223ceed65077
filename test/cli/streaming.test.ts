// `pcicfg decode` of a multi-thousand-function -xxxx dump prints function by function: what
// has been read but not yet printed stays bounded, whatever the number of functions (so memory
// does not grow with it), for the text, JSON and annotated outputs. Checked structurally:
// standard input is a generator that records how much was consumed when each write happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeLspciFunction } from '../../src/dump/index.js';
import { exampleBytes } from './run.js';

const FUNCTIONS = 3000;

interface Trace {
  /** For each write to stdout: functions consumed from stdin so far, and functions printed so far. */
  writes: Array<{ consumed: number; printed: number }>;
  consumed: number;
  code: number;
}

async function traceDecode(args: string[], countPrinted: (text: string) => number): Promise<Trace> {
  const image = new Uint8Array(4096);
  image.set(exampleBytes());
  const trace: Trace = { writes: [], consumed: 0, code: -1 };
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let printed = 0;
  let tail = '';
  async function* stdin() {
    for (let i = 0; i < FUNCTIONS; i++) {
      // One chunk per function: lspci -xxxx text of a 4096-byte function, each at its own slot.
      const slot = { domain: 0, bus: i >> 8, device: (i >> 3) & 31, function: i & 7 };
      trace.consumed = i + 1;
      yield enc.encode(writeLspciFunction({ bytes: image, length: 4096, slot, description: `fn ${i}` }));
    }
  }
  trace.code = await main(['decode', '-', ...args], {
    stdout: {
      write: (c: string | Uint8Array) => {
        // Count whole records only (a record may be split across writes).
        const text = tail + (typeof c === 'string' ? c : dec.decode(c));
        const cut = text.lastIndexOf('\n') + 1;
        printed += countPrinted(text.slice(0, cut));
        tail = text.slice(cut);
        trace.writes.push({ consumed: trace.consumed, printed });
        return true;
      },
    },
    stderr: { write: () => true },
    stdin: stdin(),
  });
  return trace;
}

const heading = (t: string) => (t.match(/^0000:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] fn \d+$/gm) ?? []).length;
const jsonDevice = (t: string) => (t.match(/^,?\{"slot":/gm) ?? []).length;

describe('decode streams function by function', () => {
  // Functions are counted by the dump's own descriptions (`fn N`) in the headings, which names
  // from a pci.ids would replace.
  const ids = process.env.PCICFG_PCI_IDS;
  beforeAll(() => void (process.env.PCICFG_PCI_IDS = ''));
  afterAll(() => void (process.env.PCICFG_PCI_IDS = ids));
  for (const [name, args, count] of [
    ['text', [], heading],
    ['--json', ['--json'], jsonDevice],
    ['--annotate', ['--annotate'], heading],
  ] as const) {
    it(`${name}: output for the first functions is written before the last is read, and the lag stays bounded`, async () => {
      const t = await traceDecode([...args], count);
      expect(t.code).toBe(0);
      expect(t.consumed).toBe(FUNCTIONS);
      const last = t.writes[t.writes.length - 1];
      expect(last.printed).toBe(FUNCTIONS);
      // The first output is written while the dump is still being read…
      const first = t.writes.find((w) => w.printed > 0)!;
      expect(first.consumed).toBeLessThan(50);
      // …and at every write, what was read but not yet printed is a handful of functions
      // (the output buffer), not a share of the dump.
      const lag = Math.max(...t.writes.map((w) => w.consumed - w.printed));
      expect(lag).toBeLessThan(50);
      // Many writes, spread over the input: not one write at the end.
      expect(t.writes.filter((w) => w.consumed < FUNCTIONS).length).toBeGreaterThan(FUNCTIONS / 50);
    });
  }

  it('a slow reader (write returns false until drain) holds reading back: the lag stays bounded', async () => {
    const image = exampleBytes();
    let consumed = 0;
    let printed = 0;
    let maxLag = 0;
    let full = false;
    let writesWhileFull = 0;
    const listeners = new Map<string, (...a: unknown[]) => void>();
    const enc = new TextEncoder();
    async function* stdin() {
      for (let i = 0; i < 1000; i++) {
        consumed = i + 1;
        yield enc.encode(writeLspciFunction({ bytes: image, length: 256, slot: { domain: 0, bus: i >> 8, device: (i >> 3) & 31, function: i & 7 }, description: `fn ${i}` }));
      }
    }
    const code = await main(['decode', '-', '--json'], {
      stdout: {
        write: (c: string | Uint8Array) => {
          if (full) writesWhileFull++;
          printed += jsonDevice(typeof c === 'string' ? c : new TextDecoder().decode(c));
          maxLag = Math.max(maxLag, consumed - printed);
          // Full: the writer must wait for 'drain', which comes a little later.
          full = true;
          setImmediate(() => {
            full = false;
            listeners.get('drain')?.();
          });
          return false;
        },
        once: (event: 'drain' | 'error', l: (...a: unknown[]) => void) => listeners.set(event, () => {
          listeners.delete(event);
          l();
        }),
        removeListener: (event: 'drain' | 'error') => listeners.delete(event),
      },
      stderr: { write: () => true },
      stdin: stdin(),
    });
    expect(code).toBe(0);
    expect(printed).toBe(1000);
    expect(writesWhileFull).toBe(0);
    expect(maxLag).toBeLessThan(50);
  });

  for (const args of [[], ['--json'], ['--annotate']]) {
    it(`a producer that pauses: the functions complete so far are written before it goes on (${args.join(' ') || 'text'})`, async () => {
      // Standard input gives one function, then waits (at most 3 s) until something is on the
      // output before it gives the second: a reader that only flushes at 64 KiB or at the end
      // would leave the first function unwritten for the whole pause.
      let out = '';
      let printedBeforeSecond: boolean | null = null;
      const fn = (i: number) => writeLspciFunction({ bytes: exampleBytes(), length: 256, slot: { domain: 0, bus: 0, device: i, function: 0 }, description: `fn ${i}` });
      async function* stdin() {
        yield fn(1);
        const t0 = Date.now();
        while (!out.includes('fn 1') && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
        printedBeforeSecond = out.includes('fn 1');
        yield '\n' + fn(2);
      }
      const code = await main(['decode', '-', ...args], {
        stdout: { write: (c: string | Uint8Array) => void (out += typeof c === 'string' ? c : new TextDecoder().decode(c)) },
        stderr: { write: () => true },
        stdin: stdin(),
      });
      expect(code).toBe(0);
      expect(printedBeforeSecond).toBe(true);
      expect(out).toContain('fn 2');
    });
  }

  it('a reader that goes away (EPIPE, as with | head) ends the run quietly with status 0', async () => {
    let writes = 0;
    let errs = '';
    let consumed = 0;
    async function* stdin() {
      for (let i = 0; i < 3000; i++) {
        consumed = i + 1;
        yield writeLspciFunction({ bytes: exampleBytes(), length: 256, slot: { domain: 0, bus: i >> 8, device: (i >> 3) & 31, function: i & 7 } });
      }
    }
    const code = await main(['decode', '-'], {
      stdout: {
        write: () => {
          if (++writes > 2) throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
          return true;
        },
      },
      stderr: { write: (c: string | Uint8Array) => void (errs += String(c)) },
      stdin: stdin(),
    });
    expect(code).toBe(0);
    expect(errs).toBe('');
    // It stopped reading soon after the reader left.
    expect(consumed).toBeLessThan(100);
  });
});

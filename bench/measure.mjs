// Timing helpers: run a function in batches for a fixed time and report the median rate.
// Results go to a sink so the optimiser cannot drop the work.

export let sink = 0;

function consume(v) {
  sink = (sink + (v === undefined || v === null ? 0 : 1)) | 0;
}

/**
 * Calls per second of `fn(inputs[i % inputs.length])`: a warm-up, then `rounds` timed rounds
 * of about `ms` each; the median round. Runs gc() (node --expose-gc) before each round.
 */
export function rate(fn, inputs, { ms = 250, rounds = 7 } = {}) {
  const n = inputs.length;
  let batch = 1;
  // Warm up and size a batch to about 10 ms.
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) consume(fn(inputs[i % n]));
    const dt = performance.now() - t0;
    if (dt > 10) break;
    batch *= 2;
  }
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    let calls = 0;
    const t0 = performance.now();
    let dt = 0;
    while (dt < ms) {
      for (let i = 0; i < batch; i++) consume(fn(inputs[(calls + i) % n]));
      calls += batch;
      dt = performance.now() - t0;
    }
    rates.push((calls / dt) * 1000);
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1];
}

/**
 * Rates of several functions on the same inputs, their rounds interleaved (a, b, c, a, b, c,
 * ...) so that a change in machine load during the run falls on all of them alike.
 */
export function compareRates(fns, inputs, { ms = 250, rounds = 7 } = {}) {
  const names = Object.keys(fns);
  const n = inputs.length;
  const batch = {};
  for (const k of names) {
    let size = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < size; i++) consume(fns[k](inputs[i % n]));
      if (performance.now() - t0 > 10) break;
      size *= 2;
    }
    batch[k] = size;
  }
  const rates = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of names) {
      globalThis.gc?.();
      const f = fns[k];
      const size = batch[k];
      let calls = 0;
      const t0 = performance.now();
      let dt = 0;
      while (dt < ms) {
        for (let i = 0; i < size; i++) consume(f(inputs[(calls + i) % n]));
        calls += size;
        dt = performance.now() - t0;
      }
      rates[k].push((calls / dt) * 1000);
    }
  }
  return Object.fromEntries(names.map((k) => [k, rates[k].sort((a, b) => a - b)[rates[k].length >> 1]]));
}

export function fmtRate(x) {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(0)} /s`;
}

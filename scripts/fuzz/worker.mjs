// A fuzz worker: runs inputs from..to of one seed against dist/, publishing the index it is
// on in a shared Int32Array so the parent can tell a hang from slow progress.
import { parentPort, workerData } from 'node:worker_threads';
import { loadApi, loadExtra, makeContext, runRange } from './engine.mjs';

const { seed, from, to, beat, distUrl, stopAfter } = workerData;
const api = await loadApi(distUrl);
const ctx = makeContext(api, 1, await loadExtra(distUrl));
const heartbeat = new Int32Array(beat);
let last = performance.now();
const stats = runRange(ctx, seed, from, to, {
  stopAfter,
  progress(i, stats) {
    Atomics.store(heartbeat, 0, i);
    const now = performance.now();
    if (now - last > 1000) {
      // A snapshot, so the parent still has the statistics if it must terminate this worker.
      last = now;
      parentPort.postMessage({ type: 'progress', index: i, stats });
    }
  },
  failure(f) {
    parentPort.postMessage({ type: 'failure', failure: f });
  },
});
parentPort.postMessage({ type: 'done', stats });

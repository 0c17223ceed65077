// `npm run test:quick` sets PCICFG_QUICK_RUNS=N: every `test.prop` property then stops after N
// runs (or its own count if smaller), keeping its seed and every assertion. The full suite leaves
// it unset and runs each property's documented count. A property that has failed goes on as
// usual, so its counterexample is still shrunk. fc.assert and fc.check written out in a test keep
// their counts: there they find a planted bug or show that an arbitrary reaches every case,
// which takes the runs they ask for.
import fc from 'fast-check';

/** Whether the property being checked is a test.prop: check() under @fast-check/vitest's runner. */
export const underTestProp = (): boolean => /@fast-check[\\/]vitest[\\/]/.test(new Error().stack ?? '');

export function capRuns<Ts = unknown>(max: number, applies: () => boolean = underTestProp): fc.Plugin<Ts> {
  return () => {
    if (!applies()) return {};
    let runs = 0;
    let failed = false;
    const seen = (out: unknown) => {
      if (out !== null && typeof out === 'object' && !fc.PreconditionFailure.isFailure(out)) failed = true;
      return out;
    };
    return {
      decorateRun: (nested) => (value) => {
        // An interrupt, not a failure: fast-check reports the property as passed.
        if (!failed && runs >= max) return new fc.PreconditionFailure(true);
        runs++;
        const out = nested(value);
        return out !== null && 'then' in out ? out.then(seen) : seen(out);
      },
    } as fc.PluginInstance<Ts>;
  };
}

const max = Number(process.env.PCICFG_QUICK_RUNS);
const INSTALLED = Symbol.for('pcicfg.test.quickRuns');
const g = globalThis as { [INSTALLED]?: true };
// Once per worker: workers that share modules run this file before each test file.
if (Number.isInteger(max) && max > 0 && !g[INSTALLED]) {
  g[INSTALLED] = true;
  fc.installGlobalPlugin(capRuns(max));
}

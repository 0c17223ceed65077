// How deep user JSON nests, found without recursion: `encode` compares the user's JSON with
// what the image decodes to by walking both, and a value nested thousands of levels deep
// would overflow the stack of any recursive walk (JSON.parse itself takes it).

/** Deeper than any `decode --json` document (devices[i].virtio.msix.table.address is 6 levels). */
export const JSON_DEPTH_MAX = 64;

/**
 * The path (`devices[0].header.command[0]…`) of the first value nested more than `max` levels
 * deep in `doc`, or null when none is.
 */
export function tooDeep(doc: unknown, max = JSON_DEPTH_MAX): string | null {
  // Depth-first with an explicit stack; each entry knows its parent, so a path is built only for the value found.
  interface Entry {
    readonly value: unknown;
    readonly depth: number;
    readonly key: string | number | null;
    readonly parent: Entry | null;
  }
  const stack: Entry[] = [{ value: doc, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const v = e.value;
    if (v === null || typeof v !== 'object') continue;
    if (e.depth >= max) return pathOf(e);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: e.depth + 1, key: i, parent: e });
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (v as Record<string, unknown>)[keys[i]], depth: e.depth + 1, key: keys[i], parent: e });
    }
  }
  return null;

  function pathOf(e: Entry): string {
    const parts: string[] = [];
    for (let p: Entry | null = e; p && p.key !== null; p = p.parent) parts.push(typeof p.key === 'number' ? `[${p.key}]` : `.${p.key}`);
    return parts.reverse().join('').replace(/^\./, '');
  }
}

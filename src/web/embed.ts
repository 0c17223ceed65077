// The dump `pcicfg view` puts in the page: what was read, as lspci text, and the BAR sizes
// known from elsewhere (QEMU `info pci`, sysfs), by slot. Carried in a
// `<script type="application/json">` element, whose text must never close it.

export const EMBED_ID = 'pcicfg-dump';

export interface EmbeddedDump {
  /** Where the dump came from (a file name, `<stdin>`, the host's sysfs). */
  readonly name: string;
  /** The functions as `lspci -xxxx` text. */
  readonly dump: string;
  /** BAR sizes by slot (`0000:00:04.0`), then by BAR index, as hex (`0x4000`). */
  readonly barSizes: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** How `pcicfg view` named the functions (absent without a pci.ids: the dump's descriptions). */
  readonly names?: EmbeddedNames;
}

/** How the page names the embedded functions, as `decode` named them (lspci's -n / -nn). */
export interface EmbeddedNames {
  /** Names alone, numbers alone (`view -n`: no names embedded), or both (`-nn`). */
  readonly style: 'names' | 'numbers' | 'both';
  /** The pci.ids the names were taken from; null with -n. */
  readonly source: string | null;
  /** The entries of it the functions use, in pci.ids' format ('' with -n). */
  readonly pciIds: string;
}

/**
 * JSON for a script element: `<`, `>` and `&` as \u escapes, so no `</script>` or `<!--` can
 * end or change the element, and U+2028/U+2029 escaped as older parsers need.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The embedded dump of a page, or null when it has none or it is not one. */
export function readEmbedded(text: string | null): EmbeddedDump | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<EmbeddedDump>;
    if (typeof v.name !== 'string' || typeof v.dump !== 'string' || typeof v.barSizes !== 'object' || v.barSizes === null) return null;
    const n = v.names as Partial<EmbeddedNames> | undefined;
    if (n !== undefined && (typeof n !== 'object' || n === null || (typeof n.source !== 'string' && n.source !== null) || typeof n.pciIds !== 'string' || (n.style !== 'names' && n.style !== 'numbers' && n.style !== 'both'))) return null;
    return v as EmbeddedDump;
  } catch {
    return null;
  }
}

// User-given text as the CLI echoes it in messages and text output: a file name, a dump's
// description, a JSON value, an argument. Control characters would act on the terminal (an
// escape sequence can set its title or rewrite what is shown) or break a one-line message,
// and a value can be megabytes long, so each is shown as a visible escape and long text is cut.
// JSON output is not passed through here: JSON.stringify escapes it as JSON.

/** Longest user value echoed in a message, in characters, before it is cut with '…'. */
export const SHOWN_MAX = 100;
/** A dump's description in text output: longer than any lspci writes (155 characters in the dumps we hold). */
export const DESCRIPTION_MAX = 200;

// C0 and C1 controls, DEL, line and paragraph separators, and the invisible bidi and
// direction controls that reorder what a terminal shows (U+200E-F, U+202A-E, U+2066-9).
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with control characters as visible escapes (`\n`, `\t`, `\x1b`, `\u202e`) and, when
 * longer than `max` characters, its start and '…'.
 */
export function shown(text: string, max = SHOWN_MAX): string {
  let end = text.length > max ? max : text.length;
  if (end < text.length && end > 0 && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--; // not half a surrogate pair
  const cut = end < text.length ? text.slice(0, end) : text;
  UNSAFE.lastIndex = 0;
  const safe = UNSAFE.test(cut) ? cut.replace(UNSAFE, escape) : cut;
  return cut.length < text.length ? `${safe}…` : safe;
}

/** A JSON value as a message shows it: JSON text, cut when long (a 10 MB string is not echoed whole). */
export function shownJson(value: unknown, max = SHOWN_MAX): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > max ? value.slice(0, max + 1) : value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Array.isArray(value) ? '[…]' : '{…}'; // nested beyond what JSON.stringify walks
    }
  }
  return shown(text, max);
}

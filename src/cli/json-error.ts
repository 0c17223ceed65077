// Where malformed JSON goes wrong. JSON.parse's messages differ between engines and often
// carry no position (Node 20: `Unexpected token '}', ..."xx" is not valid JSON`, several
// lines long), so `encode` finds the first bad character itself to print FILE:LINE:COL.
// The scan is a loop with an explicit stack of open brackets (no recursion, no regex over the
// rest of the text), so any nesting depth and any length of a token is located exactly.
import { shown } from './shown.js';

export interface JsonErrorAt {
  /** 0-based index into the text of the first character that cannot be there. */
  readonly pos: number;
  readonly message: string;
}

class Bad extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexDigit = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** The first syntax error of `text` as JSON, or null when it is valid JSON. */
export function findJsonError(text: string): JsonErrorAt | null {
  const n = text.length;
  let i = 0;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const what = () => (i >= n ? 'end of input' : `'${shown(String.fromCodePoint(text.codePointAt(i)!))}'`);
  const expect = (c: string, wanted: string) => {
    if (text[i] !== c) throw new Bad(i, `expected ${wanted}, found ${what()}`);
    i++;
  };
  const string = () => {
    expect('"', 'a string');
    for (;;) {
      if (i >= n) throw new Bad(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Bad(i, 'control character in a string (escape it)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          for (let k = i + 2; k < i + 6; k++) if (k >= n || !isHexDigit(text.charCodeAt(k))) throw new Bad(i, 'bad \\u escape (four hex digits expected)');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Bad(i, 'bad escape in a string');
      } else i++;
    }
  };
  const digits = () => {
    const from = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    return i - from;
  };
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, stopping where the grammar does.
  const number = () => {
    const start = i;
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (digits() === 0) {
      i = start;
      throw new Bad(i, `expected a value, found ${what()}`);
    }
    if (text[i] === '.') {
      i++;
      if (digits() === 0) throw new Bad(i, `expected a digit after '.', found ${what()}`);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) throw new Bad(i, `expected a digit in the exponent, found ${what()}`);
    }
  };
  /** `"name":` of an object member. */
  const member = () => {
    ws();
    if (text[i] !== '"') throw new Bad(i, `expected a property name in double quotes, found ${what()}`);
    string();
    ws();
    expect(':', "':'");
  };
  const OBJECT = 1;
  const ARRAY = 2;
  /** The containers being read, innermost last. */
  const open: number[] = [];
  try {
    let wantValue = true;
    for (;;) {
      if (wantValue) {
        ws();
        const c = text[i];
        if (c === '{' || c === '[') {
          i++;
          ws();
          if (text[i] === (c === '{' ? '}' : ']')) {
            i++;
            wantValue = false;
          } else {
            open.push(c === '{' ? OBJECT : ARRAY);
            if (c === '{') member();
          }
          continue;
        }
        if (c === '"') string();
        else if (text.startsWith('true', i)) i += 4;
        else if (text.startsWith('false', i)) i += 5;
        else if (text.startsWith('null', i)) i += 4;
        else number();
        wantValue = false;
        continue;
      }
      // After a value: the next member or element, or the end of its container.
      if (open.length === 0) break;
      const inObject = open[open.length - 1] === OBJECT;
      ws();
      if (text[i] === ',') {
        i++;
        if (inObject) member();
        wantValue = true;
        continue;
      }
      expect(inObject ? '}' : ']', inObject ? "',' or '}'" : "',' or ']'");
      open.pop();
    }
    ws();
    if (i < n) throw new Bad(i, `unexpected ${what()} after the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Bad) return { pos: e.pos, message: e.message };
    throw e;
  }
}

// Where malformed JSON goes wrong. JSON.parse's messages differ between engines and often
// carry no position (Node 20: `Unexpected token '}', ..."xx" is not valid JSON`, several
// lines long), so `encode` finds the first bad character itself to print FILE:LINE:COL.

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

/** The first syntax error of `text` as JSON, or null when it is valid JSON. */
export function findJsonError(text: string): JsonErrorAt | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const what = () => (i >= text.length ? 'end of input' : `'${text[i]}'`);
  const expect = (c: string, wanted: string) => {
    if (text[i] !== c) throw new Bad(i, `expected ${wanted}, found ${what()}`);
    i++;
  };
  const string = () => {
    expect('"', 'a string');
    for (;;) {
      if (i >= text.length) throw new Bad(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Bad(i, 'control character in a string (escape it)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Bad(i, 'bad \\u escape (four hex digits expected)');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Bad(i, 'bad escape in a string');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new Bad(i, `expected a value, found ${what()}`);
    i += m[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Bad(i, 'nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Bad(i, `expected a property name in double quotes, found ${what()}`);
        string();
        ws();
        expect(':', "':'");
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}', "',' or '}'");
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']', "',' or ']'");
        return;
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    number();
  };
  try {
    value(0);
    ws();
    if (i < text.length) throw new Bad(i, `unexpected ${what()} after the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Bad) return { pos: e.pos, message: e.message };
    throw e;
  }
}

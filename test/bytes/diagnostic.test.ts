import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { defineDiagnostics, diag } from '../../src/bytes/index.js';

const TABLE = defineDiagnostics({
  SOME_ERROR: { severity: 'error', meaning: 'Something is wrong.' },
  SOME_WARNING: { severity: 'warning', meaning: 'Something is odd.' },
  SOME_INFO: { severity: 'info', meaning: 'Something to know.' },
});

describe('diagnostics', () => {
  it('defineDiagnostics keeps the table as declared', () => {
    expect(TABLE.SOME_WARNING).toEqual({ severity: 'warning', meaning: 'Something is odd.' });
  });

  test.prop([fc.constantFrom(...(Object.keys(TABLE) as Array<keyof typeof TABLE>)), fc.option(fc.nat(4095), { nil: null }), fc.string()], { numRuns: 1000 })(
    'diag() takes its severity from the table, and keeps code, offset and message',
    (code, offset, message) => {
      expect(diag(TABLE, code, offset, message)).toEqual({ code, severity: TABLE[code].severity, offset, message });
    },
  );
});

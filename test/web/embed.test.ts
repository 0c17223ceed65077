// The dump `pcicfg view` embeds: whatever its text (a description is any text after the slot),
// it cannot end or change the page's script elements, and it reads back unchanged.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { embedJson, readEmbedded, type EmbeddedDump } from '../../src/web/embed.js';
import { pageHtml } from '../../src/web/html.js';

const HOSTILE = ['</script><script>alert(1)</script>', '<!--<script>', '</SCRIPT >', '\u2028\u2029', '&lt;/script&gt;', ']]>', '"\\u003c'];

describe('the embedded dump', () => {
  test.prop([fc.array(fc.oneof(fc.string(), fc.constantFrom(...HOSTILE)), { maxLength: 6 }).map((a) => a.join(''))])('reads back unchanged and holds no < > & or line separators', (description) => {
    const dump: EmbeddedDump = { name: description, dump: `0000:00:04.0 ${description}\n00: f4 1a\n\n`, barSizes: { '0000:00:04.0': { '4': '0x4000' } } };
    const json = embedJson(dump);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(readEmbedded(json)).toEqual(dump);
  });

  it('the page holds exactly its two script elements, whatever the dump and the bundle say', () => {
    const html = pageHtml({ script: { inline: 'var s = "</script><script>alert(2)</script>";' }, embedded: { name: 'x', dump: HOSTILE.join('\n'), barSizes: {} } });
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain('alert(1)</script>');
  });

  it('is not a dump when it is not one', () => {
    for (const t of [null, '', '{', '[]', '{"name":1,"dump":"","barSizes":{}}', '{"name":"a","dump":"","barSizes":null}']) expect(readEmbedded(t)).toBeNull();
  });
});

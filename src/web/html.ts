// The page's HTML, for the build (index.html beside its bundle) and for `pcicfg view` (one
// file: the bundle inline, a dump embedded). A classic script, not a module: Chromium loads no
// module script from file://. No DOM here: the CLI writes this text.
import { EMBED_ID, embedJson, type EmbeddedDump } from './embed.js';

export interface PageOptions {
  /** The bundle: inline text (`pcicfg view`), or the name of the file beside the page. */
  readonly script: { readonly inline: string } | { readonly src: string };
  readonly embedded?: EmbeddedDump | null;
  readonly title?: string;
}

const STYLE = `
:root{color-scheme:light;--fg:#1a1a1a;--muted:#575757;--bg:#fff;--line:#8a8a8a;--focus:#0b4fd6;--err:#a40000}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:64rem;margin:0 auto;padding:0 .75rem}
h1{font-size:1.4rem;margin:.8rem 0 .2rem}h2{font-size:1.15rem;margin:1.2rem 0 .4rem;overflow-wrap:anywhere}
h3{font-size:1rem;margin:1rem 0 .3rem}h4{font-size:.95rem;margin:.7rem 0 .3rem}
pre,code,textarea,.bytemap,output,input{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0;font-size:13px}
textarea{width:100%;min-height:9rem;font-size:13px;border:1px solid var(--line);border-radius:4px;padding:.4rem}
textarea[aria-invalid=true]{border:2px solid var(--err)}
label{display:block;font-weight:600;margin:.4rem 0 .2rem}
.inputs{display:flex;flex-wrap:wrap;gap:.2rem 1rem}.inputs label{font-weight:400}.inputs label span{display:block;font-weight:600}
input,select,button{font-size:15px;padding:.3rem .4rem;border:1px solid var(--line);border-radius:4px;background:#fff;color:var(--fg);max-width:100%}
button{cursor:pointer;background:#eef2fb}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.error{color:var(--err);font-weight:600;margin:.3rem 0;overflow-wrap:anywhere}
.hint{color:var(--muted);margin:.2rem 0}
.fn{border-top:2px solid #c4c4c4;margin-top:1rem}
.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.2rem .9rem;font-size:13px}
.sw{display:inline-block;width:.9em;height:.9em;border:1px solid #6b6b6b;margin-right:.35em;vertical-align:-.1em}
.mapwrap{position:relative}
.bytemap{display:grid;grid-template-columns:2.6em repeat(16,minmax(0,1.6em));gap:1px;font-size:12px;width:max-content;max-width:100%}
.bytemap .row{display:contents}
.bytemap span{text-align:center;padding:1px 0;line-height:1.5}
.bytemap .off,.bytemap .col{color:var(--muted);text-align:right;padding-right:.3em}.bytemap .col{text-align:center;padding:0}
.b{cursor:default;border-radius:2px}
.b:hover{outline:2px solid var(--fg)}
.b:focus-visible{outline:3px solid var(--focus);outline-offset:0;position:relative;z-index:1}
.gh{background:#d6e4ff}.g0{background:#ffdcb8}.g1{background:#cdf2c4}.g2{background:#f7cfe6}.g3{background:#fbeea0}
.g4{background:#c9eef2}.g5{background:#e2d6ff}.g6{background:#ffd0d0}.g7{background:#dfe9bf}
.dim{color:var(--muted);background:#fff}.sw.dim{background:#fff}
.unk{color:#4a4a4a;background:repeating-linear-gradient(135deg,#e4e4e4 0 3px,#f6f6f6 3px 6px)}
.diagsw{background:#ffd0d0}
.tip{position:sticky;top:0;z-index:2;height:7.2em;overflow-y:auto;margin:.3rem 0;background:#fffbe6;border:1px solid #6b6b6b;border-radius:4px;padding:.3rem .5rem;font:13px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
.tip span{display:block}.tip-where{color:var(--muted)}
.chain{list-style:none;padding:0;margin:.2rem 0;display:flex;flex-wrap:wrap;gap:.3rem .5rem;align-items:center;font-size:13px}
.link{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}
.node{color:var(--fg);padding:.1rem .35rem;border-radius:3px;border:1px solid #6b6b6b}
.next{color:var(--muted)}.arrow{font-weight:700}
.loop,.broken{color:var(--err);font-weight:600}.diag{display:block;width:100%;font-weight:400;color:var(--err);font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
details.sec{margin:.3rem 0}summary{cursor:pointer;font-weight:600;overflow-wrap:anywhere}
.facts{margin:.2rem 0;padding-left:1.2rem}
.info{margin:.1rem 0 .4rem;font:13px/1.45 ui-monospace,"DejaVu Sans Mono",monospace;color:var(--fg);overflow-wrap:anywhere}
.diags{margin:.2rem 0;padding-left:1.2rem;font-family:ui-monospace,monospace;font-size:13px;overflow-wrap:anywhere}
.diags .error{font-weight:400}
.strip{position:relative;height:1.6rem;border:1px solid #6b6b6b;background:#f2f2f2;margin:.2rem 0;overflow:hidden}
.seg{position:absolute;top:0;bottom:0;font-size:11px;overflow:hidden;white-space:nowrap;border-right:1px solid #6b6b6b;padding:0 2px;line-height:1.6rem}
.s-common{background:#d6e4ff}.s-notify{background:#ffdcb8}.s-isr{background:#cdf2c4}.s-device{background:#f7cfe6}
table.regions{border-collapse:collapse;font-size:13px;width:100%}
.regions th,.regions td{border-bottom:1px solid #c4c4c4;padding:.15rem .3rem;text-align:left;overflow-wrap:anywhere}
.calc{border:1px solid #c4c4c4;border-radius:4px;padding:.2rem .6rem .6rem;margin:.6rem 0}
output{display:block;margin-top:.4rem;font-size:13px;overflow-wrap:anywhere}output span{display:block}output .view{padding-left:1.5em}
.err{color:var(--err)}.note{color:var(--muted)}
.drop{outline:3px dashed var(--focus)}
`;

export function pageHtml(opts: PageOptions): string {
  const title = opts.title ?? 'pcicfg: PCI configuration space';
  const data = opts.embedded ? `<script type="application/json" id="${EMBED_ID}">${embedJson(opts.embedded)}</script>\n` : '';
  // The inline bundle cannot hold `</script` (rolldown escapes it in strings; checked anyway).
  const script = 'inline' in opts.script ? `<script>${opts.script.inline.replace(/<\/(script)/gi, '<\\/$1')}</script>` : `<script src="${opts.script.src}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</title>
<style>${STYLE}</style>
${data}</head>
<body>
<header>
<h1>pcicfg</h1>
<p class="hint">PCI configuration space, byte by byte, decoded in this page: nothing is sent anywhere.</p>
</header>
<main>
<section aria-labelledby="input-h">
<h2 id="input-h">Dump</h2>
<label for="dump">Paste a dump (lspci -x, -xxx or -xxxx, hexdump, xxd), or drop a file here</label>
<textarea id="dump" spellcheck="false" autocomplete="off" aria-describedby="dump-error" placeholder="00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device&#10;00: f4 1a 01 10 07 05 10 00 00 00 00 01 00 00 00 00&#10;…"></textarea>
<div id="dump-error" class="error" role="alert" hidden></div>
<label for="file">Or open a file (text or a binary image)</label>
<input type="file" id="file">
<label for="pci-ids">Names: load a <code>pci.ids</code> file (optional, e.g. /usr/share/misc/pci.ids)</label>
<input type="file" id="pci-ids">
<div id="pci-ids-status" class="hint" role="status"></div>
<details>
<summary>QEMU <code>info pci</code> (optional: BAR sizes)</summary>
<label for="info-pci">QEMU monitor <code>info pci</code> output for the same machine</label>
<textarea id="info-pci" spellcheck="false" autocomplete="off"></textarea>
</details>
</section>
<div id="functions"></div>
</main>
${script}
</body>
</html>
`;
}

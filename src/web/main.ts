// The page's entry (bundled as a classic script): read what is pasted, dropped or opened (or
// the dump `pcicfg view` embedded), and lay out what the library computes for each function.
import { looksBinary } from '../dump/binary.js';
import { parsePciIds, type PciIdsProblem, type PciNames } from '../pci/ids.js';
import type { PciNameStyle } from '../pci/ids-text.js';
import { analyse, type InputError } from './analyse.js';
import { EMBED_ID, readEmbedded, type EmbeddedDump } from './embed.js';
import { h } from './dom.js';
import { renderFunction } from './render-function.js';

/** How many functions the page lays out. */
const FUNCTIONS_SHOWN = 64;

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function start(): void {
  const text = byId<HTMLTextAreaElement>('dump');
  const info = byId<HTMLTextAreaElement>('info-pci');
  const file = byId<HTMLInputElement>('file');
  const error = byId<HTMLDivElement>('dump-error');
  const out = byId<HTMLDivElement>('functions');
  const idsFile = byId<HTMLInputElement>('pci-ids');
  const idsStatus = byId<HTMLDivElement>('pci-ids-status');
  let names: { file: string; names: PciNames; problems: PciIdsProblem[] } | null = null;
  // As `pcicfg view -n` / `-nn` made the page: numbers alone, or names with numbers.
  let nameStyle: PciNameStyle = 'names';
  // What is shown: pasted text, or a file's bytes (a binary image has no text to show).
  let current: { input: string | Uint8Array; name: string; barSizes: EmbeddedDump['barSizes'] | null } = { input: '', name: 'pasted', barSizes: null };

  const showError = (e: InputError | null) => {
    text.setAttribute('aria-invalid', String(e !== null));
    if (!e) {
      error.hidden = true;
      error.replaceChildren();
      return;
    }
    error.hidden = false;
    const go = e.line === null ? null : h('button', { type: 'button' }, `Go to line ${e.line}`);
    go?.addEventListener('click', () => selectLine(text, e.line!, e.column ?? 1));
    error.replaceChildren(h('span', {}, e.message), ...(go ? [' ', go] : []));
  };

  const render = () => {
    const { input, name, barSizes } = current;
    if (typeof input === 'string' && !input.trim()) {
      showError(null);
      out.replaceChildren();
      return;
    }
    const a = analyse(input, { name, infoPci: info.value, barSizes, names: names?.names ?? null, nameStyle });
    if (!a.ok) {
      showError(a.error);
      out.replaceChildren();
      return;
    }
    showError(null);
    // Every byte is an element: a host-sized dump would make a page too heavy to use.
    out.replaceChildren(...a.functions.slice(0, FUNCTIONS_SHOWN).map(renderFunction));
    if (!a.functions.length) out.append(h('p', { class: 'hint' }, 'No function in this dump.'));
    if (a.functions.length > FUNCTIONS_SHOWN) {
      out.append(h('p', { class: 'hint' }, `The first ${FUNCTIONS_SHOWN} of ${a.functions.length} functions are shown: paste fewer, or pick them with pcicfg view -s SLOT.`));
    }
    // The reader is lazy: the lines this dump's lookups read are the ones it can complain of.
    if (names) {
      const p = names.problems;
      idsStatus.replaceChildren(`Names from ${names.file}.`, ...p.slice(0, 3).map((x) => h('span', { class: 'err', style: 'display:block' }, `${names!.file}:${x.line}: ${x.message}`)));
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(render, 120);
  };
  text.addEventListener('input', () => {
    current = { input: text.value, name: 'pasted', barSizes: null };
    later();
  });
  info.addEventListener('input', later);

  idsFile.addEventListener('change', async () => {
    const f = idsFile.files?.[0];
    if (!f) return;
    const problems: PciIdsProblem[] = [];
    names = { file: f.name, names: parsePciIds(await f.text(), { onProblem: (p) => problems.push(p) }), problems };
    // A pci.ids loaded on a page `view -n` made: the user asks for names.
    if (nameStyle === 'numbers') nameStyle = 'names';
    idsStatus.textContent = `Names from ${f.name}.`;
    render();
  });

  const open = async (f: File) => {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (looksBinary(bytes)) {
      text.value = '';
      text.placeholder = `${f.name}: a binary image of ${bytes.length} bytes`;
      current = { input: bytes, name: f.name, barSizes: null };
    } else {
      text.value = new TextDecoder().decode(bytes);
      current = { input: text.value, name: f.name, barSizes: null };
    }
    render();
  };
  file.addEventListener('change', () => {
    if (file.files?.[0]) void open(file.files[0]);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    text.classList.add('drop');
  });
  document.addEventListener('dragleave', () => text.classList.remove('drop'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    text.classList.remove('drop');
    const f = e.dataTransfer?.files[0];
    if (f) void open(f);
  });

  const embedded = readEmbedded(document.getElementById(EMBED_ID)?.textContent ?? null);
  if (embedded) {
    text.value = embedded.dump;
    const n = embedded.names;
    if (n) nameStyle = n.style;
    if (n?.source) {
      const problems: PciIdsProblem[] = [];
      names = { file: `${n.source} (the entries pcicfg view embedded)`, names: parsePciIds(n.pciIds, { onProblem: (p) => problems.push(p) }), problems };
    }
    current = { input: embedded.dump, name: embedded.name, barSizes: embedded.barSizes };
    render();
  }
}

/** Select line `line` (1-based) of the textarea, the caret at `column`, and scroll to it. */
function selectLine(t: HTMLTextAreaElement, line: number, column: number): void {
  const lines = t.value.split('\n');
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
  const len = lines[line - 1]?.length ?? 0;
  t.focus();
  t.setSelectionRange(at + Math.min(column - 1, len), at + len);
}

start();

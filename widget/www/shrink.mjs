// The release build's last cut at the widget's bytes, on wasm-bindgen's glue (unminified) and the
// wasm wasm-opt made of it. post-build.mjs calls `shrink` before esbuild minifies the glue.
//  1. Dead classes: wasm-streams (leptos → server_fn) exports IntoUnderlyingSink/Source/
//     ByteSource, which nothing in the widget constructs. Their glue classes go, then every wasm
//     export the glue no longer calls, then wasm-opt runs again to drop the code only those
//     exports reached and the imports only that code called; the glue's import functions for
//     those imports go too.
//  2. Short names: wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` (hashes do not
//     compress) and each closure shim export by its full Rust path. Imports and exports get names
//     of one or two letters, in the wasm and in the glue alike. Only the glue calls the wasm by
//     name: the glue's own exports (`default`, `mount`, `MountedWidget`…), which the loader and
//     the npm package use, keep theirs. The custom sections (producers, target_features,
//     wasm-split's marker), which no browser reads, go too.
// wasm-bindgen's glue is read as text with exact patterns; one that is not found throws, so a
// wasm-bindgen upgrade that changes its output stops the build instead of shipping a broken one.
// The result is checked by compiling it: the glue's import object must match the wasm's imports
// one for one, and every `wasm.<name>` the glue calls must be exported.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as bin from './wasm-binary.mjs';

/** wasm-streams' `#[wasm_bindgen]` classes: the widget never streams a server function. */
export const DEAD_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];

/** The features of rustc's `target_features` section for this build, which trunk's wasm-opt run
 * reads from the module: passed explicitly so the second run can use no more and no fewer. */
export const WASM_FEATURES = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Cuts `pattern` (a RegExp matching once) out of `glue`; throws when it is not there. */
function cut(glue, pattern, what) {
  const found = glue.match(pattern);
  if (!found) throw new Error(`shrink: ${what} not found in the glue (has wasm-bindgen's output changed?)`);
  return glue.slice(0, found.index) + glue.slice(found.index + found[0].length);
}

/** Removes a `#[wasm_bindgen]` class: its `export class`, its `Symbol.dispose` alias, its
 * FinalizationRegistry. Nothing else in the glue may name it. */
export function removeClass(glue, name) {
  const n = escape(name);
  glue = cut(glue, new RegExp(`^(?:/\\*\\*\\n(?: \\*.*\\n)* \\*/\\n)?export class ${n} \\{\\n(?:(?: {4}.*)?\\n)*?\\}\\n`, 'm'), `class ${name}`);
  glue = cut(glue, new RegExp(`^if \\(Symbol\\.dispose\\) ${n}\\.prototype\\[Symbol\\.dispose\\] = ${n}\\.prototype\\.free;\\n`, 'm'), `${name}'s Symbol.dispose`);
  glue = cut(
    glue,
    new RegExp(`^const ${n}Finalization = \\(typeof FinalizationRegistry === 'undefined'\\)\\n {4}\\? \\{ register: \\(\\) => \\{\\}, unregister: \\(\\) => \\{\\} \\}\\n {4}: new FinalizationRegistry\\(ptr => wasm\\.[\\w$]+\\(ptr, 1\\)\\);\\n`, 'm'),
    `${name}Finalization`,
  );
  if (new RegExp(`\\b${n}\\b`).test(glue)) throw new Error(`shrink: the glue still names ${name} after its class was removed`);
  return glue;
}

/** `wasm.<name>` in the glue: `wasm` is its module-level binding of the instance's exports. */
const WASM_CALL = /(?<![\w$.])wasm\.([A-Za-z_$][\w$]*)/g;

/** The wasm exports the glue uses. */
export const exportsUsed = (glue) => new Set(Array.from(glue.matchAll(WASM_CALL), (m) => m[1]));

/** The glue's import object (`const import0 = { __proto__: null, <name>: function(…) {…}, … }`)
 * cut into its entries, and the module name it is passed as. */
export function parseImportObject(glue) {
  const open = /^ {4}const import0 = \{\n {8}__proto__: null,\n/m.exec(glue);
  if (!open) throw new Error('shrink: the glue has no `const import0 = { __proto__: null, …` object');
  const start = open.index + open[0].length;
  const end = glue.indexOf('\n    };\n', start) + 1;
  if (end === 0) throw new Error('shrink: the glue\'s import object has no end');
  const entries = [];
  // `name: function(…) {` (or `… { return handleError(function (…) {`), lines indented deeper,
  // then `},` (or `}, arguments); },`) at the entries' own indentation.
  const entry = /^ {8}([A-Za-z_$][\w$]*): function\(.*\{\n(?: {12}.*\n|\n)*? {8}\}.*,\n/my;
  entry.lastIndex = start;
  while (entry.lastIndex < end) {
    const at = entry.lastIndex;
    const found = entry.exec(glue);
    if (!found) throw new Error(`shrink: unexpected text in the glue's import object: ${JSON.stringify(glue.slice(at, at + 80))}`);
    entries.push({ name: found[1], text: found[0] });
  }
  if (entry.lastIndex !== end) throw new Error('shrink: the glue\'s import object ends inside an entry');
  const passed = Array.from(glue.slice(end).matchAll(/^ {8}"([^"]+)": import0,$/gm));
  if (passed.length !== 1) throw new Error('shrink: expected one `"<module>": import0,` in the glue');
  return { module: passed[0][1], head: glue.slice(0, start), entries, tail: glue.slice(end) };
}

const printImportObject = ({ head, entries, tail }) => head + entries.map((e) => e.text).join('') + tail;

/** Replaces the wasm's import or export section. */
const withSection = (sections, id, body) => sections.map((s) => (s.id === id ? { id, body } : s));

/** Short identifiers: a…z, A…Z, then two characters (52 × 62 more), never a JS keyword. */
function* shortNames() {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const next = `${first}0123456789`;
  const keywords = new Set(['do', 'if', 'in']);
  yield* first;
  for (const a of first) for (const b of next) if (!keywords.has(a + b)) yield a + b;
  throw new Error('shrink: more than 3,276 names needed');
}

/** Runs the pinned wasm-opt (`version` as in Trunk.toml, e.g. "version_132") like trunk does. */
export function wasmOpt(bytes, version) {
  let found;
  try {
    found = execFileSync('wasm-opt', ['--version'], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`shrink: cannot run wasm-opt (${err.message}); scripts/build-widget.sh puts npm binaryen's first on PATH`);
  }
  if (!found.includes(`(${version})`)) throw new Error(`shrink: wasm-opt on PATH is ${found.trim()}, not ${version} (see Trunk.toml)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'parlour-shrink-'));
  try {
    const input = path.join(dir, 'in.wasm');
    const output = path.join(dir, 'out.wasm');
    writeFileSync(input, bytes);
    // The same passes as trunk's run (index.html's data-wasm-opt-params, which explains
    // --low-memory-unused).
    execFileSync('wasm-opt', ['-Oz', '--converge', '--low-memory-unused', ...WASM_FEATURES, input, '-o', output], { stdio: ['ignore', 'inherit', 'inherit'] });
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both cuts; `optimize(bytes)` re-optimises the wasm (wasmOpt). Returns the new glue and wasm. */
export function shrink(glue, wasm, optimize) {
  let sections;
  ({ glue, sections } = dropDeadClasses(glue, bin.readSections(wasm), optimize));
  ({ glue, sections } = shortenImports(glue, sections));
  ({ glue, sections } = shortenExports(glue, sections));
  wasm = bin.writeSections(sections.filter((s) => s.id !== bin.CUSTOM));
  check(glue, wasm);
  return { glue, wasm };
}

const exportsOf = (sections) => bin.readExports(bin.section(sections, bin.EXPORT).body);

function requireExported(glue, exported) {
  for (const name of exportsUsed(glue)) {
    if (!exported.has(name)) throw new Error(`shrink: the glue calls wasm.${name}, which the wasm does not export`);
  }
}

/** Job 1: the dead classes, every export the glue then no longer calls, what wasm-opt finds
 * unreachable after that, and the glue's functions for the imports that went with it. */
function dropDeadClasses(glue, sections, optimize) {
  glue = DEAD_CLASSES.reduce(removeClass, glue);
  const exports = exportsOf(sections);
  requireExported(glue, new Set(exports.map((e) => e.name)));
  const used = exportsUsed(glue);
  sections = withSection(sections, bin.EXPORT, bin.writeExports(exports.filter((e) => used.has(e.name))));
  sections = bin.readSections(optimize(bin.writeSections(sections)));

  const object = parseImportObject(glue);
  const imported = new Set(bin.readImports(bin.section(sections, bin.IMPORT).body).filter((i) => i.module === object.module).map((i) => i.name));
  if (imported.size === 0) throw new Error(`shrink: the wasm imports nothing from ${object.module}`);
  object.entries = object.entries.filter((e) => imported.has(e.name));
  if (object.entries.length !== imported.size) throw new Error('shrink: the wasm imports functions the glue does not define');
  return { glue: printImportObject(object), sections };
}

/** Job 2a: one- or two-letter import names, and module name, in the wasm and the glue. */
function shortenImports(glue, sections) {
  const object = parseImportObject(glue);
  const names = shortNames();
  const moduleName = 'a';
  const renamed = new Map();
  const imports = bin.readImports(bin.section(sections, bin.IMPORT).body).map((i) => {
    if (i.module !== object.module) return i;
    if (!renamed.has(i.name)) renamed.set(i.name, names.next().value);
    return { ...i, module: moduleName, name: renamed.get(i.name) };
  });
  for (const e of object.entries) e.text = `        ${renamed.get(e.name)}${e.text.slice(8 + e.name.length)}`;
  object.tail = object.tail.replace(`        "${object.module}": import0,`, `        "${moduleName}": import0,`);
  glue = printImportObject(object);
  for (const old of renamed.keys()) {
    if (new RegExp(`(?<![\\w$])${escape(old)}(?![\\w$])`).test(glue)) throw new Error(`shrink: the glue still names the import ${old}`);
  }
  return { glue, sections: withSection(sections, bin.IMPORT, bin.writeImports(imports)) };
}

/** Job 2b: one- or two-letter export names, in the wasm and in every `wasm.<name>` of the glue. */
function shortenExports(glue, sections) {
  const names = shortNames();
  const exports = exportsOf(sections);
  const short = new Map(exports.map((e) => [e.name, names.next().value]));
  requireExported(glue, short);
  const used = exportsUsed(glue);
  for (const e of exports) {
    if (!used.has(e.name)) throw new Error(`shrink: the wasm exports ${e.name}, which the glue does not use`);
  }
  glue = glue.replace(WASM_CALL, (_, name) => `wasm.${short.get(name)}`);
  const renamed = exports.map((e) => ({ ...e, name: short.get(e.name) }));
  return { glue, sections: withSection(sections, bin.EXPORT, bin.writeExports(renamed)) };
}

/** Compiles the wasm and matches it against the glue: a mismatch would only show in a browser. */
export function check(glue, wasm) {
  const module = new WebAssembly.Module(wasm);
  const object = parseImportObject(glue);
  const wanted = WebAssembly.Module.imports(module).filter((i) => i.module === object.module).map((i) => i.name);
  const given = object.entries.map((e) => e.name);
  if (new Set(wanted).size !== given.length || !given.every((name) => wanted.includes(name))) {
    throw new Error('shrink: the glue\'s import object does not match the wasm\'s imports');
  }
  requireExported(glue, new Set(WebAssembly.Module.exports(module).map((e) => e.name)));
}

// Trunk post_build hook (runs in the repo root, on trunk's staging dir):
//  1. moves the content-hashed wasm-bindgen files (JS glue, `_bg.wasm`, `snippets/`) into
//     `widget/`, where the server sends them as immutable;
//  2. writes the public loader `widget/loader.js` from `widget/www/loader.js`: this build's hashed
//     names and the launcher's CSS (the part of widget.css before `/* Panel */`) go in, esbuild
//     minifies it. Hosts include only that file (a stable URL, short cache):
//       <script type="module" src="https://chat.example.com/widget/loader.js"></script>
//     and `chat-widget.js` at the root stays as an alias for pages that include the old name;
//  3. in release builds, cuts dead wasm-bindgen classes and long import/export names out of the
//     glue and the wasm (shrink.mjs), then minifies the JS glue with esbuild (trunk's own minifier
//     cannot parse wasm-bindgen's output);
//  4. drops the `<link data-trunk rel="rust">` that trunk leaves in pages when it injects no
//     script (inject_scripts = false).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { shrink, wasmOpt } from './shrink.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('post-build.mjs runs as a trunk hook (TRUNK_STAGING_DIR is not set)');
const release = process.env.TRUNK_PROFILE === 'release';
const root = process.env.TRUNK_SOURCE_DIR || process.cwd();

const files = readdirSync(staging);
const pick = (re, what) => {
  const found = files.filter((f) => re.test(f));
  if (found.length !== 1) throw new Error(`expected one ${what} in ${staging}, found: ${found.join(', ') || 'none'}`);
  return found[0];
};
const glue = pick(/^parlour-widget(-[0-9a-f]+)?\.js$/, 'JS glue');
const wasm = pick(/^parlour-widget(-[0-9a-f]+)?_bg\.wasm$/, 'wasm module');

// 1. Hashed files under widget/.
const out = path.join(staging, 'widget');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of [glue, wasm, 'snippets']) {
  if (existsSync(path.join(staging, name))) renameSync(path.join(staging, name), path.join(out, name));
}

// Trunk copies wasm-bindgen's snippets dir as it finds it, stale entries included: keep only the
// snippets this glue imports.
const snippetDir = path.join(out, 'snippets');
if (existsSync(snippetDir)) {
  const glueText = readFileSync(path.join(out, glue), 'utf8');
  for (const dir of readdirSync(snippetDir)) {
    if (!glueText.includes(`snippets/${dir}/`)) rmSync(path.join(snippetDir, dir), { recursive: true, force: true });
  }
  if (readdirSync(snippetDir).length === 0) rmSync(snippetDir, { recursive: true, force: true });
}

const esbuild = (args) => execFileSync('esbuild', args, { stdio: ['ignore', 'pipe', 'inherit'] });

// 2. The loader.
const css = readFileSync(path.join(root, 'widget/src/widget.css'), 'utf8');
const cut = css.indexOf('/* Panel */');
if (cut < 0) throw new Error('widget.css has no "/* Panel */" marker: the launcher CSS cannot be cut out');
const launcherCss = css
  .slice(0, cut)
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s+/g, ' ')
  .replace(/\s*([{};:,>])\s*/g, '$1')
  .trim();
let loader = readFileSync(path.join(root, 'widget/www/loader.js'), 'utf8');
const fill = (placeholder, value) => {
  const literal = `'${placeholder}'`;
  if (!loader.includes(literal)) throw new Error(`loader.js lacks ${literal}`);
  loader = loader.split(literal).join(JSON.stringify(value));
};
fill('__PARLOUR_GLUE__', `./${glue}`);
fill('__PARLOUR_WASM__', `./${wasm}`);
fill('__PARLOUR_LAUNCHER_CSS__', launcherCss);
const loaderFile = path.join(out, 'loader.js');
writeFileSync(loaderFile, loader);
if (release) {
  esbuild([loaderFile, '--minify', '--format=esm', '--target=es2020', `--outfile=${loaderFile}`, '--allow-overwrite', '--log-level=warning']);
}
writeFileSync(path.join(staging, 'chat-widget.js'), '// Parlour: the old name of /widget/loader.js.\nimport "./widget/loader.js";\n');

// 3. The glue (and any wasm-bindgen snippets) and the wasm.
if (release) {
  // The wasm-opt that trunk was pinned to runs again inside shrink.
  const trunkToml = readFileSync(path.join(root, 'Trunk.toml'), 'utf8');
  const wasmOptVersion = process.env.TRUNK_TOOLS_WASM_OPT || /^wasm_opt\s*=\s*"([^"]+)"/m.exec(trunkToml)?.[1];
  if (!wasmOptVersion) throw new Error('post-build: Trunk.toml pins no wasm_opt version');
  const glueFile = path.join(out, glue);
  const wasmFile = path.join(out, wasm);
  const shrunk = shrink(readFileSync(glueFile, 'utf8'), readFileSync(wasmFile), (bytes) => wasmOpt(bytes, wasmOptVersion));
  writeFileSync(glueFile, shrunk.glue);
  writeFileSync(wasmFile, shrunk.wasm);

  const snippets = existsSync(snippetDir)
    ? readdirSync(snippetDir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => path.join(snippetDir, f))
    : [];
  for (const target of [path.join(out, glue), ...snippets]) {
    try {
      esbuild([target, '--minify', '--format=esm', '--target=es2020', `--outfile=${target}`, '--allow-overwrite', '--log-level=warning']);
    } catch (err) {
      console.warn(`post-build: esbuild not run on ${path.basename(target)} (${err.message}); it stays unminified`);
    }
  }
}

// 4. Pages.
for (const page of files.filter((f) => f.endsWith('.html'))) {
  const file = path.join(staging, page);
  const html = readFileSync(file, 'utf8');
  const cleaned = html.replace(/<link\b[^>]*\bdata-trunk\b[^>]*>/g, '');
  if (cleaned !== html) writeFileSync(file, cleaned);
}
console.log(`post-build: widget/loader.js → widget/${glue}, widget/${wasm}`);

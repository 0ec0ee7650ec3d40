// Trunk post_build hook (runs in the repo root, on trunk's staging dir):
//  1. writes the widget's public loader, `chat-widget.js`. Hosts include only that file:
//       <script type="module" src="https://chat.example.com/chat-widget.js"></script>
//     It names this build's content-hashed wasm-bindgen files and starts the wasm download
//     while the JS glue loads, so the two requests run in parallel;
//  2. minifies the JS glue with esbuild when it is on PATH (trunk's own minifier cannot parse
//     wasm-bindgen's output);
//  3. drops the `<link data-trunk rel="rust">` that trunk leaves in pages when it injects no
//     script (inject_scripts = false).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('post-build.mjs runs as a trunk hook (TRUNK_STAGING_DIR is not set)');
const release = process.env.TRUNK_PROFILE === 'release';

const files = readdirSync(staging);
const pick = (re, what) => {
  const found = files.filter((f) => re.test(f));
  if (found.length !== 1) throw new Error(`expected one ${what} in ${staging}, found: ${found.join(', ') || 'none'}`);
  return found[0];
};
const glue = pick(/^parlour-widget(-[0-9a-f]+)?\.js$/, 'JS glue');
const wasm = pick(/^parlour-widget(-[0-9a-f]+)?_bg\.wasm$/, 'wasm module');

const loader = `// Parlour chat widget loader: defines <chat-widget>.
const wasm = fetch(new URL(${JSON.stringify(`./${wasm}`)}, import.meta.url));
const { default: init } = await import(${JSON.stringify(`./${glue}`)});
await init({ module_or_path: wasm });
`;
writeFileSync(path.join(staging, 'chat-widget.js'), loader);

if (release) {
  const snippets = readdirSync(path.join(staging, 'snippets'), { recursive: true })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(staging, 'snippets', f));
  for (const target of [path.join(staging, glue), ...snippets]) {
    try {
      execFileSync('esbuild', [target, '--minify', '--format=esm', '--target=es2020', `--outfile=${target}`, '--allow-overwrite', '--log-level=warning'], { stdio: 'inherit' });
    } catch (err) {
      console.warn(`post-build: esbuild not run on ${path.basename(target)} (${err.message}); it stays unminified`);
    }
  }
}

for (const page of files.filter((f) => f.endsWith('.html'))) {
  const file = path.join(staging, page);
  const html = readFileSync(file, 'utf8');
  const cleaned = html.replace(/<link\b[^>]*\bdata-trunk\b[^>]*>/g, '');
  if (cleaned !== html) writeFileSync(file, cleaned);
}
console.log(`post-build: chat-widget.js → ${glue}, ${wasm}`);

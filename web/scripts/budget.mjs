// Initial JavaScript of the app: the entry chunk of index.html and everything it imports
// statically (what the browser must load before the first page renders), gzipped.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));

export function initialJs() {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
  };
  visit('index.html');
  const files = [...seen].map((key) => manifest[key].file).filter((f) => f.endsWith('.js'));
  const sizes = files.map((file) => {
    const raw = readFileSync(new URL(file, dist));
    return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  });
  return { files: sizes, gzip: sizes.reduce((s, f) => s + f.gzip, 0), raw: sizes.reduce((s, f) => s + f.raw, 0) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = initialJs();
  for (const f of result.files) console.log(`# ${f.file} ${f.raw} B raw, ${f.gzip} B gzip`);
  console.log(`initial_js_gzip_kb=${(result.gzip / 1024).toFixed(1)}`);
}

// Writes the Brotli sibling `<file>.br` of each of the site's static files named, at
// Brotli's highest quality; `make build` writes the gzip sibling with gzip -9 (smaller
// than Node's zlib makes it). The server reads both at start and sends them as they are
// (server/src/static_files.rs): Brotli to browsers that take it (all of them over HTTPS),
// a quarter smaller than gzip for the wasm. Compressing once here costs a few seconds per
// build; the server never compresses these files per request.
//
//   node end2end/precompress.mjs target/site/pkg/*.wasm target/site/pkg/*.js ...
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node precompress.mjs FILE...');
  process.exit(2);
}

let plain = 0;
let brotli = 0;
for (const file of files) {
  const bytes = readFileSync(file);
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(`${file}.br`, br);
  plain += bytes.length;
  brotli += br.length;
}
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(`brotli: ${files.length} files, ${kb(plain)} -> ${kb(brotli)}`);

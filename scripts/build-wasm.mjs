// Assembles src/analyzers/secrets/keywords.wat into keywords-wasm.ts (the module's bytes as base64), so the
// product needs no assembler at run time. Run: npm run wasm. test/secrets/keywords.test.ts checks they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const dir = new URL('../src/analyzers/secrets/', import.meta.url);

/** The binary of the .wat source. */
export async function assemble() {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('keywords.wat', readFileSync(new URL('keywords.wat', dir), 'utf8'));
  mod.validate();
  const { buffer } = mod.toBinary({});
  mod.destroy();
  return Buffer.from(buffer);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bin = await assemble();
  writeFileSync(
    new URL('keywords-wasm.ts', dir),
    `// Generated from keywords.wat by scripts/build-wasm.mjs (npm run wasm): do not edit.\n` +
      `export const KEYWORDS_WASM = '${bin.toString('base64')}';\n`,
  );
  console.log(`keywords-wasm.ts: ${bin.length} bytes`);
}

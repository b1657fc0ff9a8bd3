// Bundles the CLI (and the secrets scanner's worker thread) into dist/bundle/: a Node start loads a few files
// instead of ~170 modules (zod alone is 94), which saves ~0.1 s on every run and makes worker threads ready
// sooner. Commands and scanners stay lazily loaded (split chunks). The library entry (dist/index.js, from tsc)
// is not bundled. Run by `npm run build` / `prepare`; `node scripts/bundle.mjs [outdir]`.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const outdir = process.argv[2] ?? new URL('dist/bundle', root).pathname;
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/**
 * The built-in secret rules' regex shapes (src/scanners/secrets/regex-shape.ts, knownShapes), computed from the
 * sources being bundled: every thread of every run would otherwise parse the same 363 regexes at start-up.
 */
async function regexShapes() {
  const tool = await build({
    absWorkingDir: root.pathname,
    stdin: {
      contents:
        "import { BUILTIN_RULES } from './src/scanners/secrets/rules/index.ts';\n" +
        "import { knownShapes } from './src/scanners/secrets/regex-shape.ts';\n" +
        'export default knownShapes(BUILTIN_RULES);\n',
      resolveDir: root.pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(tool.outputFiles[0].text).toString('base64')}`);
  return mod.default;
}

await build({
  absWorkingDir: root.pathname,
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/scanners/secrets/worker.ts' },
  outdir,
  // Chunks sit beside the entries: the secrets scanner finds its worker as ./worker.js next to itself.
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native code, WebAssembly loaded from beside its package, and the TypeScript compiler (loaded on demand).
  external: ['better-sqlite3', 'typescript', 'web-tree-sitter', '@vscode/tree-sitter-wasm'],
  // CommonJS dependencies (yaml, picomatch) call require: give the ES module one.
  banner: { js: "import { createRequire as __pipeguardRequire } from 'node:module'; const require = __pipeguardRequire(import.meta.url);" },
  define: { PIPEGUARD_VERSION: JSON.stringify(version), PIPEGUARD_REGEX_SHAPES: JSON.stringify(JSON.stringify(await regexShapes())) },
  logLevel: 'warning',
});

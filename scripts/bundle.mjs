// Bundles the CLI (and the secrets scanner's worker thread) into dist/bundle/: a Node start loads a few files
// instead of ~170 modules (zod alone is 94), which saves ~0.1 s on every run and makes worker threads ready
// sooner. Commands and scanners stay lazily loaded (split chunks). The library entry (dist/index.js, from tsc)
// is not bundled. Run by `npm run build` / `prepare`; `node scripts/bundle.mjs [outdir]`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import assert from 'node:assert/strict';

const root = new URL('..', import.meta.url);
const outdir = process.argv[2] ?? new URL('dist/bundle', root).pathname;
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/**
 * Data the secrets scanner would otherwise compute at start-up in every thread of every run, from the sources
 * being bundled: the built-in rules' regex shapes (regex-shape.ts, knownShapes) and the keyword automaton of the
 * built-in rule set (keywords.ts, KeywordMatcher.serialize; used only when a run's keywords are exactly these).
 */
async function precomputed() {
  const tool = await build({
    absWorkingDir: root.pathname,
    stdin: {
      contents:
        "import { BUILTIN_RULES } from './src/analyzers/secrets/rules/index.ts';\n" +
        "import { knownShapes } from './src/analyzers/secrets/regex-shape.ts';\n" +
        "import { compileRules } from './src/analyzers/secrets/engine.ts';\n" +
        "import { builtinSecretMetas } from './src/scanners/secrets/meta.ts';\n" +
        'export const shapes = knownShapes(BUILTIN_RULES);\n' +
        'const set = compileRules(BUILTIN_RULES);\n' +
        'export const keywords = set.matcher.serialize();\n' +
        // Only the literals that gate or anchor a rule: the automaton's other literal, the inline-ignore marker
        // `pipeguard:`, wakes no rule (and it starts every line the CLI writes to stderr).
        'export const literals = { literals: set.matcher.keywords.filter((_, k) => set.gates[k].length > 0 || set.anchors[k].length > 0), always: set.always.length };\n' +
        'export const secretMetas = builtinSecretMetas();\n' +
        "import { defaultConfig } from './src/config/defaults.ts';\n" +
        'export const config = defaultConfig();\n',
      resolveDir: root.pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  // Run from a file beside the sources, not a data: URL: core/lazy.ts requires packages (re2js) relative to itself.
  const dir = new URL('dist/', root).pathname;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `.precomputed-${process.pid}.mjs`);
  writeFileSync(file, tool.outputFiles[0].text);
  try {
    return await import(file);
  } finally {
    rmSync(file, { force: true });
  }
}
const { shapes, keywords, literals, secretMetas, config: defaultConfig } = await precomputed();
// The default config goes into the bundle as JSON: it must survive the trip (no undefined, Date or RegExp in it).
assert.deepStrictEqual(JSON.parse(JSON.stringify(defaultConfig)), defaultConfig, 'the default config is not plain JSON');
/** The files of {@link precomputed}'s data in the bundle's folder. */
const DATA = { shapes: 'secret-regex-shapes.json', keywords: 'secret-keywords.json', metas: 'secret-metas.json', patterns: 'sast-patterns-' };

/**
 * The SAST scanner's built-in rule metadata (src/scanners/sast/meta.ts), computed here so that `rules()` at the
 * start of every scan neither loads the TypeScript compiler (the structural rules name its node kinds) nor parses
 * the Python/Go/Java packs. The tool is written beside the sources for a moment: it requires `typescript`.
 */
async function sastMetas() {
  const dir = new URL('dist/', root).pathname;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `.sast-meta-${process.pid}.mjs`);
  await build({
    absWorkingDir: root.pathname,
    entryPoints: ['src/scanners/sast/meta.ts'],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['typescript'],
    banner: { js: "import { createRequire as __pipeguardRequire } from 'node:module'; const require = __pipeguardRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  try {
    const m = await import(file);
    return { js: m.jsRuleMetas(), packs: m.packRuleMetas() };
  } finally {
    rmSync(file, { force: true });
  }
}
const sastMeta = await sastMetas();

/** The SAST packs' rule entries (src/scanners/sast/pack-items.ts), read from their YAML here, once. */
async function sastPackItems() {
  const file = join(new URL('dist/', root).pathname, `.sast-packs-${process.pid}.mjs`);
  await build({
    absWorkingDir: root.pathname,
    entryPoints: ['src/scanners/sast/pack-items.ts'],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    banner: { js: "import { createRequire as __pipeguardRequire } from 'node:module'; const require = __pipeguardRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  try {
    return (await import(file)).builtinPackItems();
  } finally {
    rmSync(file, { force: true });
  }
}
const packItems = await sastPackItems();

/**
 * The built-in Python/Go/Java pack rules' patterns compiled with tree-sitter (src/scanners/sast/patterns/
 * pattern-codec.ts), by language: the bundle's src/scanners/sast/patterns/precompiled.ts reads them, so a scan of
 * such a file does not parse the packs' patterns at every start. The tool is written beside the sources for a
 * moment: it loads web-tree-sitter and the grammars from node_modules.
 */
async function sastPatterns() {
  const file = join(new URL('dist/', root).pathname, `.sast-patterns-${process.pid}.mjs`);
  await build({
    absWorkingDir: root.pathname,
    stdin: {
      contents:
        "import { builtinRules } from './src/scanners/sast/load-rules.ts';\n" +
        "import { encodePatterns } from './src/scanners/sast/patterns/pattern-codec.ts';\n" +
        "import { rewritePattern } from './src/scanners/sast/patterns/gnode.ts';\n" +
        'export async function patterns() { return encodePatterns(await builtinRules(), rewritePattern); }\n',
      resolveDir: root.pathname,
      loader: 'ts',
    },
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['typescript', 'web-tree-sitter', '@vscode/tree-sitter-wasm'],
    banner: { js: "import { createRequire as __pipeguardRequire } from 'node:module'; const require = __pipeguardRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  try {
    return await (await import(file)).patterns();
  } finally {
    rmSync(file, { force: true });
  }
}
const sastPatternsByLang = await sastPatterns();

/**
 * Replaces src/scanners/sast/meta.ts, src/scanners/sast/pack-items.ts and src/scanners/secrets/meta.ts with their
 * precomputed lists (each call returns fresh objects, as the sources do).
 */
const sastMetaPlugin = {
  name: 'sast-meta',
  setup(b) {
    // The secret rules' metadata as a JSON file beside the chunks (read on the first call), not a 0.5 MB string
    // literal the parser reads on every load of the scanner's chunk.
    b.onLoad({ filter: /[\\/]src[\\/]scanners[\\/]secrets[\\/]meta\.ts$/ }, () => ({
      loader: 'js',
      contents:
        "import { readFileSync } from 'node:fs';\n" +
        'let METAS;\n' +
        `export function builtinSecretMetas() { return JSON.parse(METAS ??= readFileSync(new URL(${JSON.stringify(DATA.metas)}, import.meta.url), 'utf8')); }\n`,
    }));
    // The config of a run without pipeguard.yml, computed from the schema when bundling: such a run loads neither
    // zod nor the config schemas (src/config/defaults.ts).
    b.onLoad({ filter: /[\\/]src[\\/]config[\\/]defaults\.ts$/ }, () => ({
      loader: 'js',
      contents: `const CONFIG = ${JSON.stringify(JSON.stringify(defaultConfig))};\nexport function defaultConfig() { return JSON.parse(CONFIG); }\n`,
    }));
    b.onLoad({ filter: /[\\/]src[\\/]scanners[\\/]sast[\\/]pack-items\.ts$/ }, () => ({
      loader: 'js',
      contents: `const ITEMS = ${JSON.stringify(JSON.stringify(packItems))};\nexport function builtinPackItems() { return JSON.parse(ITEMS); }\n`,
    }));
    // The packs' compiled patterns, one JSON file per language beside the chunks, read when a scan first matches
    // a pattern of that language (a pattern not among them is parsed as from the sources).
    b.onLoad({ filter: /[\\/]src[\\/]scanners[\\/]sast[\\/]patterns[\\/]precompiled\.ts$/ }, (args) => ({
      loader: 'js',
      resolveDir: dirname(args.path),
      contents:
        "import { readFileSync } from 'node:fs';\n" +
        "import { decodeNode } from './pattern-codec.ts';\n" +
        'const tables = new Map();\n' +
        'export function precompiledPattern(lang, src) {\n' +
        '  let t = tables.get(lang);\n' +
        '  if (t === undefined) {\n' +
        `    try { t = JSON.parse(readFileSync(new URL(\`${DATA.patterns}\${lang}.json\`, import.meta.url), 'utf8')); } catch { t = {}; }\n` +
        '    tables.set(lang, t);\n' +
        '  }\n' +
        '  return Object.hasOwn(t, src) ? t[src].map(decodeNode) : undefined;\n' +
        '}\n',
    }));
    b.onLoad({ filter: /[\\/]src[\\/]scanners[\\/]sast[\\/]meta\.ts$/ }, () => ({
      loader: 'js',
      contents:
        `const JS = ${JSON.stringify(JSON.stringify(sastMeta.js))};\n` +
        `const PACKS = ${JSON.stringify(JSON.stringify(sastMeta.packs))};\n` +
        'export function jsRuleMetas() { return JSON.parse(JS); }\n' +
        'export function packRuleMetas() { return JSON.parse(PACKS); }\n',
    }));
  },
};

// Chunks of an earlier build have other hashes in their names: remove them, so the folder holds only this build.
if (existsSync(outdir)) for (const f of readdirSync(outdir)) if (f.endsWith('.js')) rmSync(join(outdir, f));
// The precomputed secrets data, as JSON files beside the chunks (the chunks name them): reading and parsing one
// costs a fraction of what the JavaScript parser spent on the same text as a string literal in a chunk.
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, DATA.shapes), JSON.stringify(shapes));
writeFileSync(join(outdir, DATA.keywords), JSON.stringify(keywords));
writeFileSync(join(outdir, DATA.metas), JSON.stringify(secretMetas));
for (const [lang, table] of Object.entries(sastPatternsByLang)) writeFileSync(join(outdir, `${DATA.patterns}${lang}.json`), JSON.stringify(table));

const result = await build({
  absWorkingDir: root.pathname,
  metafile: Boolean(process.env.PIPEGUARD_BUNDLE_META),
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/scanners/secrets/worker.ts', 'sast-worker': 'src/scanners/sast/worker.ts' },
  outdir,
  // Chunks sit beside the entries: the secrets scanner finds its worker as ./worker.js next to itself, the SAST
  // scanner as ./sast-worker.js.
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native code, WebAssembly loaded from beside its package, the TypeScript compiler (loaded on demand), and
  // playwright-core (loaded only by `dast --browser`; it finds its own files beside itself). re2js is not listed:
  // core/lazy.ts requires it at run time, on the first glob or user regex compiled (esbuild does not see that call).
  external: ['better-sqlite3', 'typescript', 'web-tree-sitter', '@vscode/tree-sitter-wasm', 'playwright-core'],
  // CommonJS dependencies (yaml, picomatch) call require: give the ES module one.
  banner: { js: "import { createRequire as __pipeguardRequire } from 'node:module'; const require = __pipeguardRequire(import.meta.url);" },
  define: {
    PIPEGUARD_VERSION: JSON.stringify(version),
    PIPEGUARD_REGEX_SHAPES_FILE: JSON.stringify(DATA.shapes),
    PIPEGUARD_KEYWORDS_FILE: JSON.stringify(DATA.keywords),
    PIPEGUARD_SECRET_LITERALS: JSON.stringify(JSON.stringify(literals)),
  },
  plugins: [sastMetaPlugin],
  logLevel: 'warning',
});
// PIPEGUARD_BUNDLE_META=file writes esbuild's metafile (which sources went into which chunk) for start-up work.
if (process.env.PIPEGUARD_BUNDLE_META) writeFileSync(process.env.PIPEGUARD_BUNDLE_META, JSON.stringify(result.metafile));

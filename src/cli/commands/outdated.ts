import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { dateSchema } from '../../core/config-section.js';
import { InputError, UsageError } from '../../core/errors.js';
import type { Target } from '../../core/types.js';
import { DEFAULT_LIMITS } from '../../engine/run.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { checkPatchLevel, resolvePatchLevelPaths, type PatchLevelResult } from '../../scanners/patch-level/index.js';
import { openDirectory } from '../../targets/directory.js';
import { openImage } from '../../targets/image/index.js';
import { parse, platformOption } from '../args.js';
import type { Command } from '../io.js';

/** `pipeguard outdated`: direct dependencies behind their line's newest patch/minor, runtimes past end of life. */
export const outdatedCommand: Command = {
  name: 'outdated',
  summary: 'list direct dependencies behind the newest patch/minor of their line, and runtimes or base images past end of life',
  help: `Usage: pipeguard outdated [PATH] [--registry URL] [--offline] [--json]

Reads the lockfiles under PATH (default .) and asks the npm registry (https://registry.npmjs.org unless
scanners.patch-level.registry or --registry says otherwise) which releases each direct dependency's line
has: the newest patch of its minor (1.4.x) and the newest minor of its major (1.x). Answers are cached
on disk (24 hours unless scanners.patch-level.cacheTtlHours says otherwise); --offline uses only the
cache. It also dates the runtimes and base images the project declares (.nvmrc, .node-version,
.python-version, engines.node, Dockerfile FROM lines; an image's NODE_VERSION/PYTHON_VERSION) against the
end-of-life data shipped with pipeguard, whose date is printed. PATH may be a container image.

Exit 0 when everything is at the newest patch and minor of its line and no runtime is past or near its
end of life, 1 otherwise, 2 for bad usage or input. The same checks run in the gate as the patch-level
scanner (scanners.patch-level.enabled: true, or pipeguard scan --scanners patch-level).

      --registry URL     npm registry to ask
      --offline          use cached registry answers only
      --cache-dir DIR    where registry answers are cached
      --dev              check direct development dependencies too
      --as-of DATE       judge end of life at DATE (YYYY-MM-DD) instead of today
      --json             print JSON
  -c, --config FILE      pipeguard.yml to read (default: found from PATH upwards)
      --platform P       for a multi-platform image: os/arch[/variant] (default linux/amd64)
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      registry: { type: 'string' },
      offline: { type: 'boolean' },
      'cache-dir': { type: 'string' },
      dev: { type: 'boolean' },
      'as-of': { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      platform: { type: 'string' },
    });
    if (values.registry !== undefined && !/^https?:\/\/\S+$/.test(values.registry)) throw new UsageError(`--registry takes an http(s) URL, not ${JSON.stringify(values.registry)}`);
    if (values['as-of'] !== undefined && !dateSchema.safeParse(values['as-of']).success) throw new UsageError(`--as-of takes a date YYYY-MM-DD, not ${JSON.stringify(values['as-of'])}`);
    const shown = positionals[0] ?? '.';
    const path = resolve(io.cwd, shown);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new InputError('no such file or directory', shown);
    const loaded = resolveConfig(path, values.config ? resolve(io.cwd, values.config) : undefined, SCANNER_IDS, io.cwd);
    const section = resolvePatchLevelPaths(loaded.config.scanners['patch-level'], loaded.path ? dirname(loaded.path) : io.cwd);
    const cacheDir = values['cache-dir'] ? resolve(io.cwd, values['cache-dir']) : section.cacheDir;
    const cfg = {
      ...section,
      ...(values.registry ? { registry: values.registry } : {}),
      ...(cacheDir ? { cacheDir } : {}),
      ...(values.dev ? { includeDev: true } : {}),
      ...(values['as-of'] ? { asOf: values['as-of'] } : {}),
    };
    const image = await openImage(path, st.isDirectory(), { limits: DEFAULT_LIMITS, name: shown, ...(values.platform ? { platform: platformOption(values.platform) } : {}) });
    if (!image && !st.isDirectory()) throw new InputError('outdated reads a project folder or a container image', shown);
    const target: Target = image ?? (await openDirectory(path, { gitignore: true }));
    let r: PatchLevelResult;
    try {
      r = await checkPatchLevel(target, cfg, { env: io.env, now: io.now, ...(values.offline ? { offline: true } : {}) });
    } finally {
      await target.dispose();
    }
    const behind = r.dependencies.filter((d) => d.patch || d.minor);
    const eol = r.runtimes.filter((x) => x.severity);
    if (values.json) io.stdout.write(JSON.stringify({ eolData: r.eolData, dependencies: r.dependencies, runtimes: r.runtimes, notes: r.notes }, null, 2) + '\n');
    else io.stdout.write(render(r));
    for (const n of r.notes) io.stderr.write(`pipeguard: note: ${n.path}: ${n.message}\n`);
    return behind.length || eol.length ? 1 : 0;
  },
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function render(r: PatchLevelResult): string {
  const out: string[] = [];
  const behind = r.dependencies.filter((d) => d.patch || d.minor);
  if (behind.length) {
    out.push(table([['package', 'installed', 'newest patch', 'newest minor', 'latest', 'lockfile'], ...behind.map((d) => [d.name, d.installed, d.patch ?? '-', d.minor ?? '-', d.latest ?? '-', d.path])]));
  } else {
    out.push(`${r.dependencies.length} direct dependenc${r.dependencies.length === 1 ? 'y is' : 'ies are'} at the newest patch and minor of their line.\n`);
  }
  if (r.runtimes.length) {
    out.push('\n' + table([['runtime', 'line', 'end of life', 'status', 'declared in'], ...r.runtimes.map((x) => [x.product, x.cycle, x.extended ? `${x.eol} (extended ${x.extended})` : x.eol, x.severity === 'high' ? 'past end of life' : x.severity === 'medium' ? 'extended support only' : x.severity === 'low' ? 'near end of life' : 'supported', `${x.path}${x.line ? `:${x.line}` : ''}`])]));
  }
  out.push(`\nend-of-life data of ${r.eolData}\n`);
  return out.join('');
}

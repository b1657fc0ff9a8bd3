// npm run bench -- patterns [--against CHECKOUT] [--rounds N]: CPU time of the Semgrep-format pattern matcher, the
// built-in Python/Go/Java packs on test/scanners/sast/fixtures/langs, 100 runs per file per round. With --against,
// another checkout of pipeguard (e.g. main in a worktree) is loaded in the same process and the two alternate
// round by round, so both see the same host load; CPU (user + system) is the figure, printed with the load average.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const against = flag('--against');
const rounds = Number(flag('--rounds') ?? 6);

interface Impl {
  rules: unknown[];
  run: (rules: unknown[], path: string, lang: string, root: unknown, text: string) => unknown[];
  parse: (lang: string, text: string) => { root: unknown };
}

async function load(base: string): Promise<Impl> {
  const { builtinRules } = await import(join(base, 'src/scanners/sast/load-rules.ts'));
  const { runSearchRules } = await import(join(base, 'src/scanners/sast/patterns/run.ts'));
  const { parseWith } = await import(join(base, 'src/scanners/sast/patterns/tree-sitter.ts'));
  return { rules: await builtinRules(), run: runSearchRules, parse: parseWith };
}

const impls: [string, Impl][] = [['this checkout', await load(here)]];
if (against) impls.push([`--against ${against}`, await load(resolve(against))]);
const files = [['python', 'rules.py'], ['go', 'rules.go'], ['java', 'Rules.java']] as const;
const cpu: Record<string, Record<string, number>> = {};
const hits: Record<string, Record<string, number>> = {};
const load0 = loadavg()[0]!;
for (let r = 0; r < rounds; r++) {
  for (const [name, im] of r % 2 ? [...impls].reverse() : impls) {
    for (const [lang, f] of files) {
      const text = readFileSync(join(here, 'test/scanners/sast/fixtures/langs', f), 'utf8');
      const root = im.parse(lang, text).root;
      const t0 = process.cpuUsage();
      let n = 0;
      for (let i = 0; i < 100; i++) n = im.run(im.rules, f, lang, root, text).length;
      const u = process.cpuUsage(t0);
      (cpu[name] ??= {})[lang] = (cpu[name]![lang] ?? 0) + (u.user + u.system) / 1000;
      (hits[name] ??= {})[lang] = n;
    }
  }
}
console.log(`pattern packs, ${rounds} rounds x 100 runs per file, load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
for (const [name] of impls) {
  console.log(`  ${name}: ${files.map(([l]) => `${l} ${Math.round(cpu[name]![l]!)} ms CPU (${hits[name]![l]} hits)`).join(', ')}`);
}

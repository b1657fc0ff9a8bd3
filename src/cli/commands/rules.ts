import { resolve } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { UsageError } from '../../core/errors.js';
import type { RuleMeta } from '../../core/types.js';
import { loadScanners, SCANNER_IDS } from '../../scanners/index.js';
import { list, parse } from '../args.js';
import type { Command } from '../io.js';

/** `pipeguard rules`: every rule with its id, scanner, severity and title. */
export const rulesCommand: Command = {
  name: 'rules',
  summary: 'list the rules of every scanner (ids, severities, descriptions)',
  help: `Usage: pipeguard rules [--scanner ID] [--format table|json|markdown] [-c pipeguard.yml]

Lists the rules each scanner runs, with custom secret rules from the config included.

      --scanner ID        only this scanner's rules (repeatable)
  -f, --format FMT        table (default), json, markdown
  -c, --config FILE       config whose custom rules and disabled rules to apply
`,
  async run(argv, io) {
    const { values } = parse(argv, { scanner: { type: 'string', multiple: true }, format: { type: 'string', short: 'f' }, config: { type: 'string', short: 'c' } }, 0);
    const fmt = values.format ?? 'table';
    if (!['table', 'json', 'markdown'].includes(fmt)) throw new UsageError(`unknown format ${fmt} (use table, json, markdown)`);
    const wanted = list(values.scanner);
    const known = SCANNER_IDS;
    for (const w of wanted) if (!known.includes(w)) throw new UsageError(`unknown scanner ${w} (known: ${known.join(', ')})`);
    const { config } = resolveConfig(io.cwd, values.config ? resolve(io.cwd, values.config) : undefined, known, io.cwd);
    const sections = config.scanners as Record<string, unknown>;
    const scanners = await loadScanners(wanted.length ? wanted : undefined);
    const rules: RuleMeta[] = scanners.flatMap((s) => s.rules(sections[s.id]));
    if (fmt === 'json') {
      // Examples stay out: a secret rule's examples are token-shaped, and printing them would be printing secrets.
      io.stdout.write(JSON.stringify(rules.map(({ examples: _examples, ...r }) => r), null, 2) + '\n');
    } else if (fmt === 'markdown') {
      io.stdout.write('| id | scanner | severity | description |\n|---|---|---|---|\n');
      for (const r of rules) io.stdout.write(`| \`${r.id}\` | ${r.scanner} | ${r.severity} | ${r.title.replace(/\|/g, '\\|')} |\n`);
    } else {
      const w = Math.max(...rules.map((r) => r.id.length), 4);
      for (const r of rules) io.stdout.write(`${r.id.padEnd(w)}  ${r.scanner.padEnd(9)} ${r.severity.padEnd(8)} ${r.title}\n`);
      io.stdout.write(`${rules.length} rules\n`);
    }
    return 0;
  },
};

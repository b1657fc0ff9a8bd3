import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { InputError, UsageError } from '../../core/errors.js';
import { render } from '../../report/index.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { checkThreatModel, declaredKeys, readInventory, shownPath } from '../../threatmodel/index.js';
import { draftModel } from '../../threatmodel/init.js';
import { secretsSkipper } from '../../threatmodel/derive/inventory.js';
import { renderDot, renderMermaid, renderSvg } from '../../threatmodel/report/diagram.js';
import { renderThreatHtml, renderThreatMarkdown } from '../../threatmodel/report/document.js';
import { renderThreatJson } from '../../threatmodel/report/json.js';
import { parse } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { outputs, severityOption } from '../scan-run.js';
import { writeReports } from '../output.js';

const DOC_FORMATS = ['markdown', 'html', 'mermaid', 'dot', 'svg', 'json'] as const;
type DocFormat = (typeof DOC_FORMATS)[number];

const COMMON = { config: { type: 'string', short: 'c' }, model: { type: 'string', short: 'm' }, 'no-drift': { type: 'boolean' } } as const;

function rootOf(io: CliIO, p: string | undefined): string {
  const root = resolve(io.cwd, p ?? '.');
  if (!existsSync(root)) throw new InputError('no such file or directory', p ?? '.');
  if (!statSync(root).isDirectory()) throw new InputError('not a directory', p ?? '.');
  return root;
}

function configOf(io: CliIO, root: string, explicit: string | undefined) {
  const loaded = resolveConfig(root, explicit ? resolve(io.cwd, explicit) : undefined, SCANNER_IDS, io.cwd);
  for (const w of loaded.warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);
  return { config: loaded.config, declared: declaredKeys(loaded.path) };
}

async function check(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, tokens } = parse(argv, { ...COMMON, format: { type: 'string', short: 'f', multiple: true }, output: { type: 'string', short: 'o', multiple: true }, 'fail-on': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } }, 1);
  const outs = outputs(tokens);
  const failOn = severityOption(values['fail-on']);
  const root = rootOf(io, positionals[0]);
  const { config, declared } = configOf(io, root, values.config);
  const r = await checkThreatModel({ root, config, declared, ...(values.model ? { modelPath: resolve(io.cwd, values.model) } : {}), ...(values['no-drift'] ? { drift: false } : {}), ...(failOn ? { failOn } : {}), now: io.now });
  const color = (io.stdout.isTTY === true && !io.env['NO_COLOR']) || Boolean(io.env['FORCE_COLOR'] && io.env['FORCE_COLOR'] !== '0');
  const rendered = outs.map((o) => ({ ...o, text: render(o.format, r.report, r.decision, { color: o.file === undefined && color, ...(io.stdout.columns ? { width: io.stdout.columns } : {}), verbose: values.verbose === true }) }));
  await writeReports(rendered.filter((x): x is typeof x & { file: string } => x.file !== undefined), io);
  for (const x of rendered) if (x.file === undefined) io.stdout.write(x.text);
  const c = { open: 0, accepted: 0, mitigated: 0 };
  for (const t of r.assessment.threats) c[t.state]++;
  const verdict = r.decision.outcome === 'pass' ? 'PASS' : 'FAIL';
  io.stderr.write(`pipeguard: ${verdict}: ${r.assessment.threats.length} threats (${c.open} open, ${c.accepted} accepted, ${c.mitigated} mitigated), ${r.drift.length} drift, ${r.decision.violations.length} failing the gate (fail-on ${r.decision.failOn})${rendered.some((x) => x.file) ? `; wrote ${rendered.filter((x) => x.file).map((x) => x.file).join(', ')}` : ''}\n`);
  return r.decision.outcome === 'pass' ? 0 : 1;
}

async function report(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } }, 1);
  const fmt = (values.format ?? (values.output ? formatOf(values.output) : 'markdown')) as DocFormat;
  if (!DOC_FORMATS.includes(fmt)) throw new UsageError(`unknown format ${fmt} (use ${DOC_FORMATS.join(', ')})`);
  const root = rootOf(io, positionals[0]);
  const { config, declared } = configOf(io, root, values.config);
  const drift = !values['no-drift'] && fmt !== 'mermaid' && fmt !== 'dot' && fmt !== 'svg';
  const r = await checkThreatModel({ root, config, declared, ...(values.model ? { modelPath: resolve(io.cwd, values.model) } : {}), drift: drift && config.threatModel.drift.enabled, now: io.now });
  const dot = renderDot(r.model, r.assessment.threats);
  let text: string;
  if (fmt === 'mermaid') text = renderMermaid(r.model, r.assessment.threats);
  else if (fmt === 'dot') text = dot;
  else if (fmt === 'svg') text = await renderSvg(dot);
  else if (fmt === 'json') text = renderThreatJson(r);
  else {
    const doc = { model: r.model, threats: r.assessment.threats, drift: r.drift, decision: r.decision, notes: r.decision.notes, mermaid: renderMermaid(r.model, r.assessment.threats), dot };
    text = fmt === 'html' ? renderThreatHtml({ ...doc, svg: await renderSvg(dot) }) : renderThreatMarkdown(doc);
  }
  if (values.output) await writeReports([{ file: values.output, text }], io);
  else io.stdout.write(text);
  return 0;
}

function formatOf(file: string): string {
  const m = /\.(md|markdown|html?|mmd|mermaid|dot|gv|svg|json)$/i.exec(file);
  if (!m) throw new UsageError(`cannot tell the format of ${file}: give --format`);
  const ext = m[1]!.toLowerCase();
  return ext === 'md' || ext === 'markdown' ? 'markdown' : ext.startsWith('htm') ? 'html' : ext === 'mmd' ? 'mermaid' : ext === 'gv' ? 'dot' : ext;
}

async function init(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { config: { type: 'string', short: 'c' }, output: { type: 'string', short: 'o' }, force: { type: 'boolean' } }, 1);
  const root = rootOf(io, positionals[0]);
  const { config } = configOf(io, root, values.config);
  const out = values.output ?? resolve(root, config.threatModel.path);
  const toStdout = out === '-';
  const abs = toStdout ? '' : resolve(io.cwd, out);
  if (!toStdout && existsSync(abs) && !values.force) throw new InputError('already exists (give --force to overwrite, or -o - to print the draft)', shownPath(io.cwd, abs));
  // init also names the services whose credentials sit in the repository (the secrets rules name providers).
  const today = io.now().toISOString().slice(0, 10);
  const inv = await readInventory(root, config, undefined, { secrets: config.scanners.secrets, skipSecret: secretsSkipper(config.scanners.secrets, config.suppressions, today) });
  for (const e of inv.errors) io.stderr.write(`pipeguard: ${e.path}: ${e.message}\n`);
  const text = draftModel(inv, basename(root));
  if (toStdout) io.stdout.write(text);
  else {
    await writeReports([{ file: shownPath(io.cwd, abs), text }], io);
    io.stderr.write(`pipeguard: wrote ${shownPath(io.cwd, abs)}: ${inv.services.length} services, ${inv.datastores.length} data stores, ${inv.externals.length} external services, ${inv.routes.length} routes; edit it, then run pipeguard threat-model check\n`);
  }
  return 0;
}

/** `pipeguard threat-model init|check|report`: threat modelling as code, tied to the checks pipeguard runs. */
export const threatModelCommand: Command = {
  name: 'threat-model',
  summary: 'threat model as code: draft it, check its threats against the gating checks and the code, report it',
  help: `Usage: pipeguard threat-model <init|check|report> [PATH] [options]

The model (threatmodel.yml, or threatModel.path in pipeguard.yml) lists elements (processes, data stores, external
entities), data flows, trust boundaries, assets, controls and accepted risks. STRIDE rules find the threats; each
threat is mitigated when a pipeguard check that covers it is enabled and fails the gate at the threat's severity
under pipeguard.yml, accepted (with reason and expiry), or open. Drift: services, ports, routes, data stores and
external services in the code that the model lacks (or the reverse) are findings too.

  init [PATH]            draft threatmodel.yml from the repository (services, ports, data stores, SDKs, routes)
      -o, --output FILE  where to write it (default: the model path; '-' prints it)
          --force        overwrite an existing file
  check [PATH]           exit 1 when an open threat or a drift finding is at or above the threshold
      -f, --format FMT   table (default), json, sarif, junit, markdown; repeat or comma-separate for several
      -o, --output FILE  write the matching --format to FILE
          --fail-on SEV  critical, high, medium, low, info, none (default: threatModel.failOn, else failOn)
      -v, --verbose      also list suppressed findings (accepted risks)
  report [PATH]          the threat-model document or diagram
      -f, --format FMT   markdown (default), html, json, mermaid, dot, svg
      -o, --output FILE  write it to FILE (format guessed from .md .html .json .mmd .dot .svg)
Common:
  -m, --model FILE       the model file (default: threatModel.path, threatmodel.yml, under PATH)
  -c, --config FILE      pipeguard.yml (default: found from PATH)
      --no-drift         do not compare the model with the code

Exit codes: 0 ran and the gate passed, 1 the gate failed, 2 usage, model or config error.
`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'check') return check(rest, io);
    if (sub === 'report') return report(rest, io);
    if (sub === 'init') return init(rest, io);
    throw new UsageError(sub === undefined ? 'threat-model needs a subcommand: init, check or report' : `unknown threat-model subcommand ${sub} (use init, check or report)`);
  },
};

import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { durationMs, durationSchema } from '../../deliver/config.js';
import { deployChart, postmortem, renderHtml, renderMarkdown, resolveSubject, type Sources, type Subject } from '../../deliver/postmortem/index.js';
import { parse } from '../args.js';
import { deliverContext } from '../deliver-context.js';
import type { Command } from '../io.js';
import { writeReports } from '../output.js';

const FORMATS = ['markdown', 'html'] as const;

/** `pipeguard postmortem`: a postmortem of a deploy, a pipeline run or a time window, prefilled from the records. */
export const postmortemCommand: Command = {
  name: 'postmortem',
  summary: 'a postmortem (Markdown or HTML) of a deploy, a pipeline run or a time window, prefilled from the audit log and records',
  help: `Usage: pipeguard postmortem <RUN-ID | DEPLOY-ID> [options]
       pipeguard postmortem --since T [--until T] [options]

Writes a postmortem from the audit log, the pipeline run records and the deploy records: the timeline, what was
deployed, what the analysis saw (error rate and p95 latency per window, charted in the HTML and as SVG beside a
Markdown file), the decision and rollback, the gate violations and monitor alerts involved, and the sections
impact, root cause, what went well, what failed and action items, prefilled where the data allows.

  RUN-ID | DEPLOY-ID   a pipeline run or deploy (a unique prefix is enough)
  --since T            start of a window: an ISO 8601 time, or a duration before now (2h, 30m)
  --until T            end of the window (default now)
  -f, --format F       markdown (default) or html
  -o, --output FILE    write it to FILE (format guessed from .md or .html); a Markdown file gets its charts as
                       FILE-DEPLOY.svg beside it
  --log FILE           the audit log (default audit.log of pipeguard.yml)
  --deploys DIR        the deploy records (default deploy.records of pipeguard.yml, .pipeguard/deploys)
  -c, --config FILE    pipeguard.yml

Exit codes: 0 written, 2 usage, config or input error (an unknown id, an unreadable record).`,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        since: { type: 'string' },
        until: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        log: { type: 'string' },
        deploys: { type: 'string' },
        config: { type: 'string', short: 'c' },
      },
      1,
    );
    const id = positionals[0];
    if (id && (values.since || values.until)) throw new UsageError('give an id or --since/--until, not both');
    if (!id && !values.since) throw new UsageError('give a run or deploy id, or --since T');
    if (values.until && !values.since) throw new UsageError('--until goes with --since');
    const fmt = values.format ?? (values.output ? formatOf(values.output) : 'markdown');
    if (!(FORMATS as readonly string[]).includes(fmt)) throw new UsageError(`unknown format ${fmt} (use markdown or html)`);
    const ctx = deliverContext(io, values.config);
    const deployCfg = (ctx.config as unknown as { deploy?: { records?: unknown } }).deploy;
    const deploysDir = values.deploys ? resolve(io.cwd, values.deploys) : resolve(ctx.root, typeof deployCfg?.records === 'string' ? deployCfg.records : '.pipeguard/deploys');
    const sources: Sources = {
      auditLog: values.log ? resolve(io.cwd, values.log) : resolve(ctx.root, ctx.config.audit.log),
      alertsLog: resolve(ctx.root, ctx.config.monitor.alerts),
      runsDir: resolve(ctx.root, ctx.config.pipeline.runs),
      deploysDir,
      display: ctx.show,
    };
    const now = io.now();
    const subject: Subject = id ? resolveSubject(id, sources) : { kind: 'window', since: when(values.since!, now, '--since'), until: values.until ? when(values.until, now, '--until') : now.toISOString() };
    if (subject.kind === 'window' && subject.since > subject.until) throw new UsageError('--since is after --until');
    const pm = await postmortem(subject, sources);
    const out = values.output;
    // a Markdown file gets its charts as SVG files beside it; all are written together, or none
    const files: { file: string; text: string }[] = [];
    let text: string;
    if (fmt === 'html') text = renderHtml(pm);
    else {
      const charts = new Map<string, string>();
      if (out) {
        for (const d of pm.deploys) {
          const svg = deployChart(d);
          if (!svg) continue;
          const name = `${basename(out).replace(/\.(md|markdown)$/i, '')}-${d.id.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;
          charts.set(d.id, name);
          files.push({ file: join(dirname(out), name), text: svg });
        }
      }
      text = renderMarkdown(pm, { chartLink: (d) => charts.get(d) });
    }
    if (out) {
      await writeReports([{ file: out, text }, ...files], io);
      io.stderr.write(`pipeguard: wrote ${[out, ...files.map((f) => f.file)].join(', ')}\n`);
    } else io.stdout.write(text);
    return 0;
  },
};

function formatOf(file: string): string {
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.(md|markdown)$/i.test(file)) return 'markdown';
  throw new UsageError(`cannot tell the format of ${file}: give --format`);
}

/** An ISO time, or a duration before now. */
function when(v: string, now: Date, flag: string): string {
  if (durationSchema.safeParse(v).success && !/^\d{4}-/.test(v)) return new Date(now.getTime() - durationMs(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v)).toISOString();
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`${flag} ${v}: expected an ISO 8601 time (2026-01-02T03:00:00Z) or a duration (2h)`);
  return new Date(t).toISOString();
}

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import { durationMs, durationSchema } from '../../deliver/config.js';
import { loadMapping, monitorReport, runMonitor, type Alert, type MonitorInput } from '../../deliver/monitor/index.js';
import { forward } from '../../deliver/siem/forwarder.js';
import { render } from '../../report/index.js';
import { parse } from '../args.js';
import { auditLog, auditSigner, deliverContext, flushSiem } from '../deliver-context.js';
import type { Command } from '../io.js';
import { writeReports } from '../output.js';
import { outputs, severityOption } from '../scan-run.js';

/** `pipeguard monitor`: detection rules over the audit log and other event sources, alerts as findings and SIEM events. */
export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'security monitoring: detection rules (CEL) over the audit log and JSON-lines event sources; alerts as findings and SIEM events',
  help: `Usage: pipeguard monitor [LOG] [--follow [--for DUR]] [--source FILE.jsonl --map MAPPING.yml]... [options]

Reads the audit log (LOG, default audit.log of pipeguard.yml) and any JSON-lines event sources, runs the
detection rules of monitor: in pipeguard.yml (built-in rules plus yours, conditions in CEL) over every event,
and raises alerts: as findings in the usual report formats (the gate decides the exit code) and as monitor.alert
events in the alerts log (monitor.alerts), delivered to monitor.siem (default audit.siem) like the audit log.
Repeats of an alert within monitor.dedupWindow are one alert with a count; past monitor.rateLimit, alerts are
counted into one monitor-rate-limited alert. Each input is read from where the last run stopped (the state file,
monitor.state), which also holds what was learned (secrets and hosts per step, verified artifacts).

  --follow             keep reading new lines until stopped (Ctrl-C, SIGTERM or --for); alerts are written and
                       delivered as they are raised
  --for DUR            with --follow: stop after DUR (e.g. 10m)
  --source FILE        a JSON-lines event source (repeatable), each followed by its --map
  --map FILE           the mapping of a source's fields to an event (type, time, fields; see docs/deliver.md)
  --no-log             read only the sources, not the audit log
  --from-start         read every input from its start, not from where the last run stopped
  -f, --format FMT     table (default), json, sarif, junit, markdown, ...; repeat or comma-separate for several
  -o, --output FILE    write the matching --format to FILE
  --fail-on SEV        lowest alert severity that fails (default failOn of the config)
  -c, --config FILE    pipeguard.yml

Exit codes: 0 no alert at or above the threshold, 1 alerts that fail the gate, 2 usage, config or input error.`,
  async run(argv, io) {
    const { values, positionals, tokens } = parse(
      argv,
      {
        follow: { type: 'boolean' },
        for: { type: 'string' },
        source: { type: 'string', multiple: true },
        map: { type: 'string', multiple: true },
        'no-log': { type: 'boolean' },
        'from-start': { type: 'boolean' },
        format: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', multiple: true },
        'fail-on': { type: 'string' },
        config: { type: 'string', short: 'c' },
      },
      1,
    );
    const outs = outputs(tokens);
    const failOn = severityOption(values['fail-on']);
    const sources = values.source ?? [];
    const maps = values.map ?? [];
    if (sources.length !== maps.length) throw new UsageError('give one --map for each --source');
    if (values.for !== undefined && !values.follow) throw new UsageError('--for goes with --follow');
    if (values.for !== undefined && !durationSchema.safeParse(values.for).success) throw new UsageError(`--for ${values.for}: expected a duration such as 10m`);
    if (values['no-log'] && positionals[0]) throw new UsageError('--no-log and LOG do not go together');
    const ctx = deliverContext(io, values.config);
    const mcfg = ctx.config.monitor;
    const inputs: MonitorInput[] = [];
    if (!values['no-log']) {
      const path = positionals[0] ? resolve(io.cwd, positionals[0]) : resolve(ctx.root, ctx.config.audit.log);
      const display = positionals[0] ?? ctx.show(path);
      if (existsSync(path)) inputs.push({ kind: 'audit', path, display });
      else if (positionals[0] || (!sources.length && !values.follow)) throw new InputError('no such audit log', display);
      else if (values.follow) inputs.push({ kind: 'audit', path, display });
    }
    sources.forEach((s, i) => {
      const path = resolve(io.cwd, s);
      if (!existsSync(path) && !values.follow) throw new InputError('no such event source', s);
      inputs.push({ kind: 'source', path, display: s, mapping: loadMapping(resolve(io.cwd, maps[i]!), maps[i]) });
    });
    if (!inputs.length) throw new UsageError('nothing to read: give LOG or --source');
    const signer = await auditSigner(ctx, undefined);
    const alertsPath = resolve(ctx.root, mcfg.alerts);
    const alertsLog = auditLog(ctx, io, signer, alertsPath);
    const destinations = mcfg.siem ?? ctx.config.audit.siem;
    const startedAt = io.now().toISOString();
    const say = (a: Alert, phase: 'raised' | 'closed') => {
      if (values.follow && phase === 'raised') io.stderr.write(`pipeguard: ALERT ${a.severity} ${a.rule}: ${a.message}\n`);
    };

    let result;
    if (values.follow) {
      const ac = new AbortController();
      const off = io.onSignal?.(() => ac.abort());
      const timer = values.for !== undefined ? setTimeout(() => ac.abort(), durationMs(values.for)) : undefined;
      // deliver alerts as they are appended, for as long as the monitor follows
      const deliveries = destinations.map((d) => {
        let ca: string | undefined;
        try {
          ca = d.ca ? readFileSync(resolve(ctx.root, d.ca), 'utf8') : undefined;
        } catch {
          io.stderr.write(`pipeguard: siem ${d.to}: cannot read CA file ${d.ca}; not delivered\n`);
          return Promise.resolve();
        }
        const token = d.tokenEnv ? io.env[d.tokenEnv] : undefined;
        return forward({
          logPath: alertsPath,
          dest: { to: d.to, ...(d.format ? { format: d.format } : {}), ...(ca ? { ca } : {}), ...(token ? { token } : {}) },
          follow: true,
          signal: ac.signal,
          onError: (m) => io.stderr.write(`pipeguard: siem ${d.to}: ${m}; retrying\n`),
        }).then(() => undefined);
      });
      try {
        io.stderr.write(`pipeguard: monitoring ${inputs.map((i) => i.display).join(', ')} (stop with Ctrl-C${values.for ? ` or after ${values.for}` : ''})\n`);
        result = await runMonitor({ config: mcfg, root: ctx.root, inputs, statePath: resolve(ctx.root, mcfg.state), stateDisplay: ctx.show(resolve(ctx.root, mcfg.state)), follow: ac.signal, alertsLog, onAlert: say, ...(values['from-start'] ? { fromStart: true } : {}) });
      } finally {
        ac.abort();
        if (timer) clearTimeout(timer);
        off?.();
        await Promise.all(deliveries);
      }
    } else {
      result = await runMonitor({ config: mcfg, root: ctx.root, inputs, statePath: resolve(ctx.root, mcfg.state), stateDisplay: ctx.show(resolve(ctx.root, mcfg.state)), alertsLog, onAlert: say, ...(values['from-start'] ? { fromStart: true } : {}) });
    }
    if (result.alerts.length && destinations.length) await flushSiem(ctx, io, alertsPath, destinations);

    const notes = result.notes.length > 5 ? [...result.notes.slice(0, 5), `and ${result.notes.length - 5} more commit(s) without evidence`] : result.notes;
    const warnings = [...notes, ...[...result.errors].map(([rule, e]) => `rule ${rule} could not be evaluated on ${e.count} event(s): ${e.first}`)];
    const { report, decision } = monitorReport({ alerts: result.alerts, rules: result.rules, config: ctx.config, target: inputs.map((i) => i.display).join(', '), startedAt, now: io.now(), ...(failOn ? { failOn } : {}), warnings });
    const color = (io.stdout.isTTY === true && !io.env['NO_COLOR']) || Boolean(io.env['FORCE_COLOR'] && io.env['FORCE_COLOR'] !== '0');
    const texts = outs.map((o) => ({ ...o, text: render(o.format, report, decision, { color: o.file === undefined && color, ...(io.stdout.columns ? { width: io.stdout.columns } : {}) }) }));
    // the files first, all or nothing (cli/output.ts), then standard output
    await writeReports(texts.filter((o): o is typeof o & { file: string } => o.file !== undefined), io);
    for (const o of texts) if (o.file === undefined) io.stdout.write(o.text);
    for (const w of warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);
    const verdict = decision.outcome === 'pass' ? 'PASS' : 'FAIL';
    io.stderr.write(`pipeguard: ${verdict}: ${result.events} event(s), ${result.alerts.length} alert(s), ${decision.violations.length} failing the gate (fail-on ${decision.failOn}); alerts in ${ctx.show(alertsPath)}\n`);
    return decision.outcome === 'pass' ? 0 : 1;
  },
};

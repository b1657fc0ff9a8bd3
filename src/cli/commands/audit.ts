import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import { readAuditEntries } from '../../deliver/audit/read.js';
import { generateSigningKey, keyIdOf, publicKeyFromPem } from '../../deliver/audit/signer.js';
import { verifyAuditLog } from '../../deliver/audit/verify.js';
import { durationMs, durationSchema } from '../../deliver/config.js';
import { writeFileAtomic } from '../../deliver/fs-atomic.js';
import { EXPORT_FORMATS, formatEvent, type ExportFormat } from '../../deliver/siem/formats.js';
import { forward } from '../../deliver/siem/forwarder.js';
import { int, parse } from '../args.js';
import { deliverContext } from '../deliver-context.js';
import type { CliIO, Command } from '../io.js';
import { writeReports } from '../output.js';

/** `pipeguard audit verify|export|keygen`. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the tamper-evident audit log, export it (JSON lines, CEF, LEEF, syslog) or stream it to a SIEM',
  help: `Usage: pipeguard audit verify [LOG] [--public-key FILE]... [--no-head] [--json]
       pipeguard audit export [LOG] [--format jsonl|cef|leef|syslog] [-o FILE] [--since SEQ]
       pipeguard audit export [LOG] --to URL [--format F] [--ca FILE] [--token-env VAR] [--timeout DUR] [--follow]
       pipeguard audit keygen -o FILE

LOG defaults to audit.log of pipeguard.yml (.pipeguard/audit.jsonl).

verify: checks that every entry links to the one before (SHA-256 over RFC 8785 canonical JSON), that the
numbers run without gap or repeat, that every checkpoint's Ed25519 signature verifies (against --public-key or
audit.publicKey when given), and that the head file matches the last entry (a cut tail shows). Names the first
entry that breaks the chain. Exit 0 intact, 1 broken, 2 when LOG cannot be read or a line is not an entry.
  --public-key FILE   trusted Ed25519 public key (PEM; repeatable)
  --no-head           do not require the head file (a copy of the log without it)
  --json              the result as JSON

export: writes the entries in a SIEM format, one per line (to stdout or -o FILE), or with --to delivers them
to a collector, in order, from where the last delivery to it stopped (a cursor file beside the log), retrying
with backoff; what is not delivered by --timeout stays for the next time (exit 1 then).
  --to URL            syslog+tcp://HOST:PORT, syslog+udp://HOST:PORT, syslog+tls://HOST:PORT, https://...
  --format F          files: jsonl (default), cef, leef, syslog; syslog destinations: syslog (JSON message,
                      default), cef, leef; https: jsonl (NDJSON, default) or hec (Splunk HTTP Event Collector)
  --ca FILE           PEM CA certificates to trust (syslog+tls, https)
  --token-env VAR     environment variable holding the bearer (or HEC) token
  --timeout DUR       give up after DUR (default 30s)
  --follow            keep delivering new entries until stopped (Ctrl-C)
  --since SEQ         files: only entries from number SEQ on

keygen: writes an Ed25519 signing key for checkpoints (FILE, mode 0600) and its public key (FILE.pub).
`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'verify') return verify(rest, io);
    if (sub === 'export') return exportCmd(rest, io);
    if (sub === 'keygen') return keygen(rest, io);
    throw new UsageError(sub ? `unknown audit command ${sub} (use verify, export or keygen)` : 'give an audit command: verify, export or keygen');
  },
};

function logPath(io: CliIO, given: string | undefined, config: string | undefined): { path: string; shown: string; ctx: ReturnType<typeof deliverContext> } {
  const ctx = deliverContext(io, config);
  const path = given ? resolve(io.cwd, given) : resolve(ctx.root, ctx.config.audit.log);
  return { path, shown: given ?? ctx.show(path), ctx };
}

async function verify(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { 'public-key': { type: 'string', multiple: true }, 'no-head': { type: 'boolean' }, json: { type: 'boolean' }, config: { type: 'string', short: 'c' } }, 1);
  const { path, shown, ctx } = logPath(io, positionals[0], values.config);
  if (!existsSync(path)) throw new InputError('no such audit log', shown);
  const keyFiles = values['public-key']?.map((f) => resolve(io.cwd, f)) ?? (ctx.config.audit.publicKey ? [resolve(ctx.root, ctx.config.audit.publicKey)] : []);
  const publicKeys = keyFiles.map((f) => {
    try {
      return publicKeyFromPem(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new InputError((e as NodeJS.ErrnoException).code ? 'cannot read the public key' : `not an Ed25519 public key (${(e as Error).message})`, ctx.show(f));
    }
  });
  const r = await verifyAuditLog(path, { publicKeys, noHead: values['no-head'] === true, display: shown });
  if (values.json) {
    io.stdout.write(JSON.stringify({ log: shown, ...r, trustedKeys: publicKeys.map((k) => keyIdOf(k)) }, null, 2) + '\n');
  } else if (r.ok) {
    io.stdout.write(`${shown}: intact: ${r.lastSeq} entries, ${r.checkpoints} signed checkpoint(s)${r.signedThrough ? `, signed through entry ${r.signedThrough}` : ''}\n`);
    for (const n of r.notes) io.stdout.write(`  note: ${n}\n`);
  } else {
    io.stdout.write(`${shown}: BROKEN at line ${r.problem!.line}: ${r.problem!.message}\n`);
  }
  return r.ok ? 0 : 1;
}

async function exportCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      since: { type: 'string' },
      to: { type: 'string' },
      ca: { type: 'string' },
      'token-env': { type: 'string' },
      timeout: { type: 'string' },
      follow: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
    },
    1,
  );
  const { path, shown } = logPath(io, positionals[0], values.config);
  if (!existsSync(path)) throw new InputError('no such audit log', shown);
  if (values.to) return stream(values, path, shown, io);
  if (values.ca || values['token-env'] || values.timeout || values.follow) throw new UsageError('--ca, --token-env, --timeout and --follow go with --to');
  const format = (values.format ?? 'jsonl') as ExportFormat;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format ${format} (use ${EXPORT_FORMATS.join(', ')})`);
  const since = values.since !== undefined ? int('since', values.since)! : 1;
  async function* lines(): AsyncGenerator<string> {
    for await (const r of readAuditEntries(path, { display: shown })) {
      if (r.entry.seq < since) continue;
      yield formatEvent({ entry: r.entry, hash: r.hash }, format) + '\n';
    }
  }
  // a file through a temporary file and a rename; a device or pipe (-o /dev/stdout) in place (src/core/output-file.ts)
  if (values.output) await writeReports([{ file: values.output, text: lines() }], io);
  else for await (const line of lines()) io.stdout.write(line);
  return 0;
}

async function stream(
  values: { format?: string; to?: string; ca?: string; 'token-env'?: string; timeout?: string; follow?: boolean; output?: string; since?: string },
  path: string,
  shown: string,
  io: CliIO,
): Promise<number> {
  if (values.output || values.since) throw new UsageError('--output and --since do not go with --to');
  const to = values.to!;
  if (!/^(syslog\+(tcp|udp|tls):\/\/|https?:\/\/)[^/]/.test(to)) throw new UsageError(`--to ${to}: expected syslog+tcp://, syslog+udp://, syslog+tls:// or https://`);
  const isHttp = /^https?:/.test(to);
  const format = values.format ?? (isHttp ? 'jsonl' : 'syslog');
  const allowed = isHttp ? ['jsonl', 'hec'] : ['syslog', 'cef', 'leef'];
  if (!allowed.includes(format)) throw new UsageError(`--format ${format} does not go with ${to.split(':')[0]} (use ${allowed.join(' or ')})`);
  if (values.timeout !== undefined && !durationSchema.safeParse(values.timeout).success) throw new UsageError(`--timeout ${values.timeout}: expected a duration such as 30s`);
  let ca: string | undefined;
  if (values.ca) {
    try {
      ca = readFileSync(resolve(io.cwd, values.ca), 'utf8');
    } catch {
      throw new InputError('cannot read the CA file', values.ca);
    }
  }
  const tokenVar = values['token-env'];
  const token = tokenVar ? io.env[tokenVar] : undefined;
  if (tokenVar && !token) throw new UsageError(`--token-env ${tokenVar}: the variable is not set`);
  const ac = new AbortController();
  const off = io.onSignal?.(() => ac.abort());
  try {
    const r = await forward({
      logPath: path,
      dest: { to, format: format as 'syslog', ...(ca ? { ca } : {}), ...(token ? { token } : {}) },
      ...(values.follow ? { follow: true } : { deadlineMs: durationMs(values.timeout ?? '30s') }),
      signal: ac.signal,
      display: shown,
      onError: (m) => io.stderr.write(`pipeguard: ${to}: ${m}; retrying\n`),
    });
    if (r.busy) {
      io.stderr.write(`pipeguard: another process is delivering ${shown} to ${to}; ${r.pending} pending\n`);
      return 1;
    }
    io.stderr.write(`pipeguard: ${r.delivered} event(s) delivered to ${to}${r.pending ? `; ${r.pending} pending (${r.lastError ?? 'stopped'}), sent next time` : ''}\n`);
    return r.pending ? 1 : 0;
  } finally {
    off?.();
  }
}

async function keygen(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { output: { type: 'string', short: 'o' } }, 0);
  if (!values.output) throw new UsageError('give -o FILE for the private key');
  const path = resolve(io.cwd, values.output);
  if (existsSync(path)) throw new InputError('already exists: not overwriting a key', values.output);
  const k = generateSigningKey();
  writeFileAtomic(path, k.privatePem, 0o600);
  writeFileAtomic(`${path}.pub`, k.publicPem);
  io.stdout.write(`${values.output}.pub  key ${keyIdOf(publicKeyFromPem(k.publicPem))}\n`);
  io.stderr.write(`pipeguard: wrote the signing key to ${values.output} (keep it secret; or store it in the secrets file and set audit.signingKey: secret:NAME) and its public key to ${values.output}.pub (set audit.publicKey)\n`);
  return 0;
}

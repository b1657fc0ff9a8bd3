/**
 * Exposed files and consoles: `.git`, `.env`, backups and dumps, admin and debug consoles. The server's answer to
 * paths that cannot exist is fingerprinted first (soft 404s: a 200 page for everything); a hit must differ from
 * it and pass a content oracle for what it claims to be (`ref: refs/` for .git/HEAD, KEY=VALUE lines for .env,
 * SQL statements or an archive signature for a dump), never a status code alone.
 */
import type { DastRun } from '../context.js';
import { marker } from '../context.js';
import type { Res } from '../http/client.js';
import { similarity } from './compare.js';

interface Probe {
  ruleId: string;
  path: string;
  what: string;
  /** True when the answer is what the path claims to be. */
  oracle: (res: Res) => boolean;
}

const ENV_LINE = /^[A-Z][A-Z0-9_]{1,60}=\S*$/gm;
const SQL_DUMP = /(CREATE TABLE|INSERT INTO|DROP TABLE IF EXISTS|-- MySQL dump|-- PostgreSQL database dump|PRAGMA foreign_keys)/;
const ARCHIVE = (res: Res) => res.bytes.length >= 4 && ((res.bytes[0] === 0x50 && res.bytes[1] === 0x4b && res.bytes[2] === 0x03 && res.bytes[3] === 0x04) || (res.bytes[0] === 0x1f && res.bytes[1] === 0x8b) || res.bytes.subarray(0, 16).toString('latin1').startsWith('SQLite format 3'));

/** Every path probed, with its oracle. */
export const FILE_PROBES: Probe[] = [
  { ruleId: 'dast-exposed-git', path: '/.git/HEAD', what: '.git/HEAD', oracle: (r) => /^(ref: refs\/[^\s]+|[0-9a-f]{40})\s*$/.test(r.body.trim()) },
  { ruleId: 'dast-exposed-git', path: '/.git/config', what: '.git/config', oracle: (r) => /^\s*\[core\]/m.test(r.body) && /repositoryformatversion/.test(r.body) },
  { ruleId: 'dast-exposed-env', path: '/.env', what: '.env', oracle: (r) => !/<html|<body/i.test(r.body) && (r.body.match(ENV_LINE)?.length ?? 0) >= 2 },
  { ruleId: 'dast-exposed-env', path: '/.env.production', what: '.env.production', oracle: (r) => !/<html|<body/i.test(r.body) && (r.body.match(ENV_LINE)?.length ?? 0) >= 2 },
  ...['/backup.sql', '/dump.sql', '/db.sql', '/database.sql', '/backup.zip', '/backup.tar.gz', '/site.zip', '/www.zip', '/db.sqlite', '/database.sqlite', '/data.db'].map((path) => ({
    ruleId: 'dast-exposed-backup',
    path,
    what: path.slice(1),
    oracle: (r: Res) => (path.endsWith('.sql') ? SQL_DUMP.test(r.body) && !/<html/i.test(r.body) : ARCHIVE(r)),
  })),
  ...['/index.php.bak', '/index.php~', '/config.php.bak', '/web.config.bak', '/app.js.bak', '/server.js.bak', '/config.js.bak'].map((path) => ({
    ruleId: 'dast-exposed-backup',
    path,
    what: path.slice(1),
    oracle: (r: Res) => /<\?php|<configuration|require\(|module\.exports|import .* from|function\s*\(/.test(r.body) && !/<html/i.test(r.body.slice(0, 500)),
  })),
  { ruleId: 'dast-admin-console', path: '/server-status', what: 'Apache server-status', oracle: (r) => /Apache Server Status for/i.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/actuator/env', what: 'Spring actuator env', oracle: (r) => /"propertySources"\s*:/.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/actuator/heapdump', what: 'Spring actuator heapdump', oracle: (r) => r.bytes.subarray(0, 18).toString('latin1').startsWith('JAVA PROFILE') },
  { ruleId: 'dast-admin-console', path: '/phpinfo.php', what: 'phpinfo()', oracle: (r) => /<title>PHP \d[^<]*phpinfo\(\)<\/title>|PHP Version \d/.test(r.body) && /PHP License/i.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/debug/pprof/', what: 'Go pprof', oracle: (r) => /Types of profiles available/i.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/_profiler/', what: 'Symfony profiler', oracle: (r) => /Symfony Profiler/i.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/console', what: 'Werkzeug debug console', oracle: (r) => /Werkzeug (powered traceback interpreter|Debugger)|__debugger__/i.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/__debug__/', what: 'debug console', oracle: (r) => /Werkzeug Debugger|django-debug-toolbar/i.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/metrics', what: 'Prometheus metrics', oracle: (r) => /^# HELP \w+ /m.test(r.body) && /^# TYPE \w+ (counter|gauge|histogram|summary)/m.test(r.body) && /process_|nodejs_|go_|jvm_/.test(r.body) },
  { ruleId: 'dast-admin-console', path: '/admin/', what: 'admin console', oracle: (r) => /<title>[^<]*(admin(istration)?( panel| console| dashboard)?|dashboard)[^<]*<\/title>/i.test(r.body) && !/<input[^>]+type=["']?password/i.test(r.body) },
];

/** The answers to paths that cannot exist: what a miss looks like here. */
async function soft404(run: DastRun, base: string): Promise<Res[]> {
  const out: Res[] = [];
  for (const p of [`/${marker()}`, `/.${marker()}`, `/${marker()}.sql`, `/${marker()}/`]) {
    const res = await run.send({ method: 'GET', url: base + p, quiet: true });
    if (res) out.push(res);
  }
  return out;
}

/** Probes every known path under the base path. */
export async function checkFiles(run: DastRun): Promise<void> {
  const probes = FILE_PROBES.filter((p) => run.enabled(p.ruleId));
  if (!probes.length) return;
  const basePath = new URL(run.client.o.scope.base.href).pathname.replace(/\/[^/]*$/, '');
  const base = run.origin + basePath;
  const misses = await soft404(run, base);
  const done = new Set<string>();
  for (const probe of probes) {
    if (done.has(probe.ruleId + probe.what.split('/')[0])) continue;
    const res = await run.send({ method: 'GET', url: base + probe.path });
    if (!res || res.status !== 200 || !res.body) continue;
    if (misses.some((m) => m.status === 200 && similarity(m.body, res.body) > 0.9)) continue;
    if (!probe.oracle(res)) continue;
    done.add(probe.ruleId + probe.what.split('/')[0]);
    run.report(probe.ruleId, {
      url: res.url,
      method: 'GET',
      pathTemplate: basePath + probe.path,
      message: `${basePath + probe.path} is served: its content is a real ${probe.what}.`,
      res,
      evidence: res.body.slice(0, 120).replace(/\s+/g, ' '),
    });
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AdvisoryDb } from '../../advisories/db.js';
import { effectiveSeverity, matchPackage } from '../../advisories/group.js';
import { lowestFix } from '../../advisories/match.js';
import { defaultDbPath } from '../../advisories/paths.js';
import { errorMessage } from '../../core/errors.js';
import { rule, toRuleMeta } from '../../core/rules.js';
import type { RawFinding, RuleMeta, ScanContext, Scanner, Target } from '../../core/types.js';
import { dependencyPurl } from '../../analyzers/inventory/installed/index.js';
import type { DepsConfig } from './config.js';
import { INVENTORY_TARGETS, scanInventory } from '../../analyzers/inventory/inventory.js';
import type { Dependency } from '../../analyzers/inventory/types.js';
import { sourceUsageAnalyzer, type SourceUsage } from '../../analyzers/reachability/usage.js';
import { reachability } from './reachability.js';
import { parseVex, vexCovers, type VexStatement } from './vex.js';

/** The one rule of the deps scanner. */
export const VULNERABLE_DEPENDENCY = 'vulnerable-dependency';

const RULES: RuleMeta[] = toRuleMeta('deps', [
  rule(
    VULNERABLE_DEPENDENCY,
    'Vulnerable dependency',
    'high',
    'A package installed by a lockfile has a published security advisory (OSV) covering its version. ' +
      'Upgrade to the fixed version shown, or record an ignore rule with a reason and expiry in pipeguard.yml ' +
      '(`scanners.deps.ignore`) or a VEX statement when the vulnerable code is not reachable.',
    { cwe: 'CWE-1395', owasp: ['A06:2021'], confidence: 'high', tags: ['sca', 'dependencies'] },
  ),
]);

/** Today as `YYYY-MM-DD` (UTC). */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

interface IgnoreHit {
  reason: string;
}

function ignoreFor(cfg: DepsConfig, ids: string[], dep: Dependency, purl: string, warned: Set<string>, ctx: ScanContext<DepsConfig>): IgnoreHit | undefined {
  for (const rule of cfg.ignore) {
    const idOk = rule.id === undefined || ids.includes(rule.id);
    const p = rule.package;
    const pkgOk =
      p === undefined || p === dep.name || p === `${dep.name}@${dep.version}` || p === purl || (p.startsWith('pkg:') && purl.startsWith(`${p}@`));
    if (!idOk || !pkgOk) continue;
    if (rule.expires && rule.expires < today()) {
      const key = `${rule.id ?? ''}|${rule.package ?? ''}`;
      if (!warned.has(key)) {
        warned.add(key);
        ctx.log.warn(`deps: ignore rule for ${rule.id ?? rule.package} expired on ${rule.expires}; it no longer applies`);
      }
      continue;
    }
    return { reason: `scanners.deps.ignore: ${rule.reason}${rule.expires ? ` (until ${rule.expires})` : ''}` };
  }
  return undefined;
}

function loadVex(cfg: DepsConfig, target: Target, ctx: ScanContext<DepsConfig>): VexStatement[] {
  const out: VexStatement[] = [];
  for (const file of cfg.vex) {
    const p = isAbsolute(file) || !target.root ? file : join(target.root, file);
    try {
      out.push(...parseVex(JSON.parse(readFileSync(p, 'utf8')), file));
    } catch (e) {
      ctx.fileError(file, `cannot read VEX document: ${errorMessage(e)}`);
    }
  }
  return out;
}

/**
 * The dependency (SCA) scanner: parses lockfiles and manifests, matches every package against the
 * local OSV advisory database, and reports each vulnerability once per package with its fix.
 */
export const depsScanner: Scanner<DepsConfig> = {
  id: 'deps',
  title: 'Vulnerable dependencies (OSV, offline)',
  requires: ['files'],
  targets: INVENTORY_TARGETS,
  rules: () => RULES,
  async *scan(target, ctx) {
    const cfg = ctx.config;
    const lockfiles = await scanInventory(ctx);
    ctx.count('lockfiles', lockfiles.length);
    ctx.count('packages', lockfiles.reduce((n, l) => n + l.packages.length, 0));
    // nothing installed to match (no lockfile, or manifests declaring only ranges): no advisory database is needed
    if (!lockfiles.some((l) => l.packages.length > 0)) return;
    const env = ctx.options.env ?? process.env;
    const dbPath = cfg.db ?? defaultDbPath(env);
    const required = cfg.requireDatabase ?? ctx.options.env?.['CI'] === 'true';
    const noDb = (why: string): void => {
      ctx.count('advisories', 0);
      ctx.skip(`no advisory database (${why})`, { failGate: required });
    };
    const mayDownload = ctx.options.dbUpdate === true && cfg.autoUpdate && !ctx.options.offline;
    if (mayDownload) {
      // The download code and SQLite load here, not with the scanner: only runs with lockfiles need them.
      const [{ ensureDatabase }, { DEFAULT_OSV_BASE_URL }] = await Promise.all([import('../../advisories/ensure.js'), import('../../advisories/update.js')]);
      const got = await ensureDatabase({
        dbPath,
        ecosystems: lockfiles.flatMap((l) => l.packages.map((p) => p.ecosystem)),
        maxAgeDays: cfg.maxAgeDays,
        baseUrl: cfg.dbUrl ?? env['PIPEGUARD_OSV_URL'] ?? DEFAULT_OSV_BASE_URL,
        now: new Date(),
        signal: ctx.signal,
      });
      for (const f of got.fetched) ctx.count('advisories-downloaded', f.records);
      if (got.error) ctx.log.warn(`cannot download the advisory data of ${got.wanted.join(', ')}: ${got.error}`);
    }
    if (!existsSync(dbPath)) {
      const why = mayDownload
        ? 'the download failed'
        : ctx.options.offline
          ? 'offline run'
          : ctx.options.dbUpdate === false
            ? '--skip-db-update'
            : 'none found';
      return noDb(`${why}; looked for ${dbPath}: run \`pipeguard db update\` or \`pipeguard db import\``);
    }
    let db: AdvisoryDb;
    try {
      db = (await import('../../advisories/db.js')).AdvisoryDb.open(dbPath);
    } catch (e) {
      // A database that is there but unreadable (corrupt, not ours) means the scan could not be done: the scanner
      // fails, and so does the gate, never a pass with no advisories looked up.
      throw new Error(`cannot open advisory database ${dbPath}: ${errorMessage(e)}`);
    }
    try {
      ctx.count('advisories', db.recordCount());
      const oldest = db.oldestRefresh();
      if (oldest && Date.now() - Date.parse(oldest) > cfg.maxAgeDays * 86_400_000) {
        ctx.log.warn(`advisory data was last refreshed ${oldest.slice(0, 10)}, more than ${cfg.maxAgeDays} days ago: run \`pipeguard db update\``);
      }
      const vex = loadVex(cfg, target, ctx);
      const warned = new Set<string>();
      // what the application's code imports, read once and only when a vulnerable npm, Go or PyPI package needs judging
      // source trees only: an image's or archive's files are installed software, not the application's code
      const judged = cfg.reachability && (target.kind === 'directory' || target.kind === 'staged');
      let usage: SourceUsage | undefined;
      const usageFor = async (): Promise<SourceUsage> => (usage ??= await ctx.analyses.target(sourceUsageAnalyzer));
      for (const lock of lockfiles) {
        // one finding per package version and advisory: keep the first occurrence (shortest path wins)
        const seen = new Map<string, Dependency>();
        for (const dep of lock.packages) {
          if (!dep.version) continue;
          const purl = dependencyPurl(dep) ?? `${dep.ecosystem}/${dep.name}@${dep.version}`;
          const prev = seen.get(purl);
          if (prev) {
            if (prev.dev && !dep.dev) prev.dev = false;
            if ((dep.path?.length ?? 99) < (prev.path?.length ?? 99)) prev.path = dep.path;
            continue;
          }
          seen.set(purl, { ...dep });
        }
        for (const [purl, dep] of seen) {
          if (ctx.signal.aborted) return;
          if (dep.dev && !cfg.includeDev) continue;
          // OS packages are matched by the source package advisories name (Debian, Alpine), at its version.
          const ref = { ecosystem: dep.ecosystem, name: dep.advisoryName ?? dep.name, version: dep.advisoryVersion ?? dep.version };
          const match = matchPackage(db.lookup(ref.ecosystem, ref.name), ref);
          for (const v of match.vulnerabilities) {
            const ids = [v.id, ...v.aliases];
            const reach = judged && (dep.ecosystem === 'npm' || dep.ecosystem === 'Go' || dep.ecosystem === 'PyPI') ? reachability(dep, v.records, lock.path, await usageFor()) : undefined;
            const notReached = cfg.failOn === 'reachable' && reach !== undefined && reach !== 'reachable';
            const ignored =
              ignoreFor(cfg, ids, dep, purl, warned, ctx) ??
              (notReached ? { reason: `scanners.deps.failOn: reachable (${reach === 'unreferenced' ? 'no source file imports it' : 'imported, but none of the affected functions is used'})` } : undefined);
            // An ignore rule does not drop the finding: the engine lists it as suppressed, with the rule's reason.
            if (ignored) ctx.count('ignored');
            else if (vex.some((s) => vexCovers(s, ids, purl))) {
              ctx.count('vex-not-affected');
              continue;
            }
            const severity = effectiveSeverity(v, cfg.unknownSeverity);
            const ownFix = lowestFix(v.records, ref);
            const via = dep.advisoryName ? ` (source package ${dep.advisoryName}${dep.advisoryVersion ? ` ${dep.advisoryVersion}` : ''})` : dep.path && dep.path.length > 1 ? ` via ${dep.path[0]}` : '';
            const fixText = match.fixedVersion ? `upgrade to ${match.fixedVersion} (${match.upgrade})` : 'no fixed version is known';
            const finding: RawFinding = {
              scanner: 'deps',
              ruleId: VULNERABLE_DEPENDENCY,
              severity,
              confidence: 'high',
              message: `${dep.name}@${dep.version}${via} is affected by ${v.id}${v.summary ? `: ${v.summary}` : ''}; ${fixText}${reach ? ` (${reach})` : ''}.`,
              location: dep.layer
                ? { kind: 'package', path: lock.path, purl, ...(dep.line ? { startLine: dep.line } : {}), logical: `${dep.name}@${dep.version}`, layer: dep.layer }
                : { path: lock.path, ...(dep.line ? { startLine: dep.line } : {}), logical: `${dep.name}@${dep.version}` },
              identity: `${purl}|${v.id}`,
              ...(v.cwe.length ? { cwe: v.cwe } : {}),
              ...(match.fixedVersion
                ? { fix: { description: `Upgrade ${dep.name} to ${match.fixedVersion} (${match.upgrade}).`, upgradeTo: match.fixedVersion } }
                : {}),
              tags: ['sca', dep.ecosystem, ...(dep.dev ? ['dev'] : []), dep.direct ? 'direct' : 'transitive', ...(reach ? [reach] : [])],
              data: {
                advisoryId: v.id,
                aliases: v.aliases,
                records: v.recordIds,
                package: dep.name,
                version: dep.version,
                ...(dep.alias ? { alias: dep.alias } : {}),
                ecosystem: dep.ecosystem,
                purl,
                ...(dep.advisoryName ? { sourcePackage: dep.advisoryName } : {}),
                ...(dep.advisoryVersion ? { sourceVersion: dep.advisoryVersion } : {}),
                ...(dep.layer ? { layer: dep.layer } : {}),
                direct: dep.direct === true,
                ...(reach ? { reachability: reach } : {}),
                dev: dep.dev === true,
                dependencyPath: dep.path ?? [`${dep.name}@${dep.version}`],
                lockfileFormat: lock.format,
                ...(match.fixedVersion ? { fixedVersion: match.fixedVersion, upgrade: match.upgrade } : {}),
                ...(ownFix ? { advisoryFixedVersion: ownFix } : {}),
                severitySource: v.severity.source,
                ...(v.severity.score !== undefined ? { cvssScore: v.severity.score } : {}),
                ...(v.severity.vector ? { cvssVector: v.severity.vector } : {}),
                ...(v.summary ? { summary: v.summary } : {}),
              },
              ...(ignored ? { suppressed: { kind: 'config', reason: ignored.reason } } : {}),
            };
            if (!ignored) ctx.count('findings');
            yield finding;
          }
        }
      }
    } finally {
      db.close();
    }
  },
};

import { rule, toRuleMeta } from '../../core/rules.js';
import type { RawFinding, RuleMeta, Scanner } from '../../core/types.js';
import { collectInventory, formatInventoryError } from '../../analyzers/inventory/inventory.js';
import { dependencyPurl } from '../../analyzers/inventory/installed/index.js';
import type { Dependency } from '../../analyzers/inventory/types.js';
import type { LicensesConfig } from './config.js';
import { judgeLicense } from './policy.js';
import { installedNpmLicense } from './sources.js';

/** Rule ids of the licenses scanner. */
export const LICENSE_RULES = { denied: 'license-denied', notAllowed: 'license-not-allowed', unknown: 'license-unknown' } as const;

const RULES: RuleMeta[] = toRuleMeta('licenses', [
  rule(LICENSE_RULES.denied, 'Dependency license is denied by policy', 'high', 'A dependency is licensed only under licenses your policy denies (`scanners.licenses.deny`). Replace it, get another license, or record an exception with a reason.', { confidence: 'high', tags: ['license', 'compliance'] }),
  rule(LICENSE_RULES.notAllowed, 'Dependency license is not on the allow list', 'medium', 'A dependency is licensed under terms that are not on your allow list (`scanners.licenses.allow`). Review it and allow the license, or replace the package.', { confidence: 'high', tags: ['license', 'compliance'] }),
  rule(LICENSE_RULES.unknown, 'Dependency license is unknown', 'low', 'No SPDX license could be found for a dependency in the lockfile or its installed package.json. Check the package and record its license or an exception.', { confidence: 'medium', tags: ['license', 'compliance'] }),
]);

/**
 * The licenses scanner: the license of every package (lockfile metadata, else the installed npm
 * package.json) parsed as an SPDX expression and judged by the allow/deny policy.
 */
export const licensesScanner: Scanner<LicensesConfig> = {
  id: 'licenses',
  title: 'Dependency licenses (SPDX, allow/deny policy)',
  requires: ['files'],
  targets: ['directory', 'staged', 'archive', 'file', 'image'],
  rules: () => RULES,
  async *scan(target, ctx) {
    const cfg = ctx.config;
    const { lockfiles, errors } = await collectInventory(target, ctx.signal);
    for (const e of errors) ctx.fileError(e.path, formatInventoryError(e));
    for (const lock of lockfiles) {
      // Distribution packages (dpkg, apk, rpm) are the operating system's, not the application's dependencies.
      if (lock.os) continue;
      const seen = new Set<string>();
      for (const dep of lock.packages) {
        if (ctx.signal.aborted) return;
        if (dep.dev && !cfg.includeDev) continue;
        const purl = dependencyPurl(dep) ?? `${dep.ecosystem}/${dep.name}@${dep.version}`;
        if (seen.has(purl)) continue;
        seen.add(purl);
        ctx.count('packages');
        const exception = cfg.exceptions.find((x) => x.package === dep.name || x.package === `${dep.name}@${dep.version}`);
        if (exception) {
          ctx.count('exceptions');
          continue;
        }
        let license = dep.license;
        let source = license ? 'lockfile' : undefined;
        if (!license && dep.ecosystem === 'npm' && target.root) {
          const installed = installedNpmLicense(target.root, lock, dep);
          if (installed?.license && (!installed.version || installed.version === dep.version)) {
            license = installed.license;
            source = 'node_modules';
          }
        }
        const verdict = judgeLicense(license, cfg);
        if (verdict.kind === 'ok') continue;
        if (verdict.kind === 'unknown' && !cfg.reportUnknown) {
          ctx.count('unknown');
          continue;
        }
        yield finding(dep, lock.path, purl, verdict, source);
      }
    }
  },
};

function finding(dep: Dependency, path: string, purl: string, verdict: ReturnType<typeof judgeLicense>, source: string | undefined): RawFinding {
  const where = { path, ...(dep.line ? { startLine: dep.line } : {}), logical: `${dep.name}@${dep.version}` };
  const base = {
    scanner: 'licenses',
    location: where,
    confidence: 'high' as const,
    tags: ['license', dep.ecosystem, dep.direct ? 'direct' : 'transitive'],
  };
  const data = {
    package: dep.name,
    version: dep.version,
    ecosystem: dep.ecosystem,
    purl,
    direct: dep.direct === true,
    dependencyPath: dep.path ?? [`${dep.name}@${dep.version}`],
    ...(source ? { licenseSource: source } : {}),
  };
  if (verdict.kind === 'unknown') {
    return {
      ...base,
      ruleId: LICENSE_RULES.unknown,
      severity: 'low',
      message: `${dep.name}@${dep.version} has an unknown license: ${verdict.reason}.`,
      identity: `${purl}|license-unknown`,
      data: { ...data, ...(verdict.expression ? { license: verdict.expression } : {}) },
    };
  }
  if (verdict.kind === 'ok') throw new Error('unreachable');
  const denied = verdict.kind === 'denied';
  return {
    ...base,
    ruleId: denied ? LICENSE_RULES.denied : LICENSE_RULES.notAllowed,
    severity: denied ? 'high' : 'medium',
    message: `${dep.name}@${dep.version} is licensed ${verdict.expression}, which the license policy ${denied ? 'denies' : 'does not allow'} (${verdict.offending.join(', ')}).`,
    identity: `${purl}|license|${verdict.expression}`,
    data: { ...data, license: verdict.expression, categories: verdict.categories, offending: verdict.offending },
  };
}

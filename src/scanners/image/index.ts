/**
 * Checks of a container image's configuration (what `docker inspect` shows): the user it runs as, credentials in
 * its environment, labels and build history (found by the secrets engine's rules, redacted), a missing health
 * check, and a base distribution past its end of life (from `etc/os-release` and the dated end-of-life data).
 * Exposed ports are judged by the exposure scanner against the exposure policy.
 */
import { EOL_UPDATED, eolCycle, judgeEol } from '../../data/eol.js';
import { toRuleMeta } from '../../core/rules.js';
import type { ImageLocation, RawFinding, Scanner, ScanContext, Target } from '../../core/types.js';
import type { SecretHit } from '../../analyzers/secrets/analyze.js';
import type { RuleSet } from '../../analyzers/secrets/engine.js';
import type { ImageScannerConfig } from './config.js';
import { IMAGE_RULES } from './rules.js';

const ROOT_USERS = new Set(['', 'root', '0', 'root:root', '0:0', 'root:0', '0:root']);

/** True when `config.User` leaves the process running as root. */
export function runsAsRoot(user: string | undefined): boolean {
  return ROOT_USERS.has((user ?? '').trim());
}

/** The end-of-life product name of an os-release `ID`. */
const EOL_PRODUCT: Record<string, string> = { debian: 'debian', ubuntu: 'ubuntu', alpine: 'alpine', rhel: 'rhel', rocky: 'rocky', almalinux: 'almalinux', centos: 'centos' };

/** The image configuration scanner. */
export const imageScanner: Scanner<ImageScannerConfig> = {
  id: 'image',
  title: 'Container image configuration: user, secrets in ENV/labels/history, health check, base end of life',
  requires: ['image'],
  rules(config) {
    return toRuleMeta('image', IMAGE_RULES, { disabled: new Set(config?.disable ?? []) });
  },
  async *scan(target: Target, ctx: ScanContext<ImageScannerConfig>) {
    const image = target.image!;
    const cfg = image.config;
    const disabled = new Set(ctx.config.disable);
    const on = (id: string) => !disabled.has(id);
    const ref = image.reference;
    const at = (extra: Partial<ImageLocation> = {}): ImageLocation => ({ kind: 'image', image: ref, path: 'config', ...extra });
    const finding = (ruleId: string, message: string, identity: string, loc: ImageLocation, more: Partial<RawFinding> = {}): RawFinding => {
      const def = IMAGE_RULES.find((r) => r.id === ruleId)!;
      return { scanner: 'image', ruleId, severity: def.severity, confidence: 'high', message, location: loc, identity, ...(def.cwe ? { cwe: def.cwe } : {}), ...more };
    };
    if (!cfg) return;
    ctx.count('layers', image.layers?.length ?? 0);
    if (on('image-runs-as-root') && runsAsRoot(cfg.user)) {
      const who = cfg.user ? `as ${JSON.stringify(cfg.user)}` : 'with no USER';
      yield finding('image-runs-as-root', `The image runs ${who}, so its processes run as root: set a non-root USER.`, 'user', at());
    }
    if (on('image-no-healthcheck') && (!cfg.healthcheck || cfg.healthcheck[0] === 'NONE')) {
      yield finding('image-no-healthcheck', cfg.healthcheck ? 'The image disables its base image\'s health check (HEALTHCHECK NONE).' : 'The image has no HEALTHCHECK.', 'healthcheck', at());
    }
    let rules: RuleSet | undefined;
    // The secrets engine and rules load when an image is scanned, not with the scanner (a folder scan skips it).
    const [{ analyzeText }, { buildRuleSet, ruleSetInput }] = await Promise.all([import('../../analyzers/secrets/analyze.js'), import('../../analyzers/secrets/ruleset.js')]);
    const secretsIn = (text: string): SecretHit[] => analyzeText(text, (rules ??= buildRuleSet(ruleSetInput(ctx.root.scanners.secrets))), { path: 'config', showSecrets: ctx.options.showSecrets === true });
    if (on('image-secret-in-env')) {
      for (const env of cfg.env) {
        const name = env.slice(0, Math.max(0, env.indexOf('='))) || env;
        for (const h of secretsIn(env)) {
          yield finding('image-secret-in-env', `ENV ${name} holds a secret (${h.ruleId}): ${h.redacted}. Pass it at run time and rotate it.`, `env|${name}|${h.hash}`, at(), secretMore(h));
        }
      }
    }
    if (on('image-secret-in-label')) {
      for (const [k, v] of Object.entries(cfg.labels)) {
        for (const h of secretsIn(`${k}=${v}`)) {
          yield finding('image-secret-in-label', `Label ${k} holds a secret (${h.ruleId}): ${h.redacted}.`, `label|${k}|${h.hash}`, at(), secretMore(h));
        }
      }
    }
    if (on('image-secret-in-history')) {
      let layer = 0;
      for (const [i, hist] of cfg.history.entries()) {
        const made = !hist.emptyLayer ? image.layers?.[layer++] : undefined;
        if (!hist.createdBy) continue;
        for (const h of secretsIn(hist.createdBy)) {
          yield finding(
            'image-secret-in-history',
            `Build step ${i + 1} of the image history holds a secret (${h.ruleId}): ${h.redacted}. Use a build secret and rotate it.`,
            `history|${h.hash}`,
            at({ ...(made ? { layer: made.digest } : {}), createdBy: h.evidence }),
            secretMore(h),
          );
        }
      }
    }
    if (on('image-base-eol') && target.files) yield* eolFindings(target, ctx, ref);
  },
};

function secretMore(h: SecretHit): Partial<RawFinding> {
  return { evidence: h.evidence, data: { secretRule: h.ruleId, secretHash: h.hash, length: h.length, ...(h.secret ? { secret: h.secret } : {}) } };
}

/** The base distribution's end of life, from the first os-release file of the image. */
async function* eolFindings(target: Target, ctx: ScanContext<ImageScannerConfig>, ref: string): AsyncGenerator<RawFinding> {
  const paths = ['etc/os-release', 'usr/lib/os-release'];
  let found: { path: string; text: string; layer?: string; createdBy?: string } | undefined;
  for await (const f of target.files!({ path: (p) => paths.includes(p) })) {
    if (f.origin?.hidden) continue;
    const cand = { path: f.path, text: await f.text(), ...(f.origin?.layer ? { layer: f.origin.layer } : {}), ...(f.origin?.createdBy ? { createdBy: f.origin.createdBy } : {}) };
    if (!found || paths.indexOf(f.path) < paths.indexOf(found.path)) found = cand;
  }
  if (!found) return;
  const kv = new Map([...found.text.matchAll(/^([A-Z_]+)=["']?([^"'\n]*)["']?$/gm)].map((m) => [m[1]!, m[2]!]));
  const id = kv.get('ID')?.toLowerCase() ?? '';
  const version = kv.get('VERSION_ID') ?? '';
  const product = EOL_PRODUCT[id];
  if (!product || !version) return;
  const cycle = eolCycle(product, version);
  if (!cycle) return;
  const today = ctx.config.asOf ?? new Date().toISOString().slice(0, 10);
  const name = kv.get('PRETTY_NAME') ?? `${id} ${version}`;
  const judged = judgeEol(cycle, today, ctx.config.eolWarnDays, name);
  if (!judged) return;
  const { severity, message } = judged;
  yield {
    scanner: 'image',
    ruleId: 'image-base-eol',
    severity,
    confidence: 'high',
    message: `${message} (end-of-life data of ${EOL_UPDATED})`,
    location: { kind: 'image', image: ref, path: found.path, ...(found.layer ? { layer: found.layer } : {}), ...(found.createdBy ? { createdBy: found.createdBy } : {}) },
    identity: `eol|${product}|${cycle.cycle}`,
    cwe: ['CWE-1104'],
    data: { product, cycle: cycle.cycle, eol: cycle.eol, ...(cycle.extended ? { extended: cycle.extended } : {}), eolData: EOL_UPDATED },
  };
}

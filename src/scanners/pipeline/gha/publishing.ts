/**
 * Trusted publishing: registries that accept OIDC tokens (PyPI, npm, crates.io, RubyGems, NuGet) need no stored
 * secret. A publish command in a job that cannot mint an OIDC token (no `id-token: write`) must be using a
 * long-lived token; so must `pypa/gh-action-pypi-publish` given a `password:` and setup-node configured to
 * authenticate to registry.npmjs.org with a stored token.
 */
import { isScalar } from 'yaml';
import { registryPublishes } from '../../../analyzers/package-installs.js';
import { pairs, get, pairOf, scalarBody, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { ownerRepo, truthy } from './model.js';
import type { Emit, Job } from './model.js';

/** Actions that exchange an OIDC token for a short-lived registry token (their outputs are no stored secret). */
const TRUSTED_AUTH_ACTIONS = new Set(['rust-lang/crates-io-auth-action', 'rubygems/configure-rubygems-credentials', 'nuget/login']);

/** True when the job (or, without a job block, the workflow) grants `id-token: write`. */
export function canMintOidc(src: YamlSource, job: Job): boolean {
  const jp = pairOf(job.node, 'permissions');
  const perms = jp ? jp.value : get(src.doc.contents, 'permissions');
  if (isScalar(perms)) return str(perms) === 'write-all';
  return str(get(perms, 'id-token')) === 'write';
}

/** Audits one job (or composite action) for publishing with stored tokens. */
export function auditPublishing(src: YamlSource, job: Job, isAction: boolean, emit: Emit): void {
  const oidc = !isAction && canMintOidc(src, job);
  const trustedSteps = new Set(job.steps.filter((s) => s.uses && TRUSTED_AUTH_ACTIONS.has(ownerRepo(s.uses))).map((s) => str(get(s.node, 'id')) ?? '').filter(Boolean));
  const jobEnv = get(job.node, 'env');
  const wfEnv = isAction ? null : get(src.doc.contents, 'env');
  for (const step of job.steps) {
    if (step.run && step.runPair) {
      const [bs, be] = scalarBody(src, step.run);
      const script = src.text.slice(bs, be);
      const pubs = registryPublishes(script);
      if (!pubs.length) continue;
      const envs = [step.env, jobEnv, wfEnv].flatMap((e) => pairs(e).map(([k, p]) => [k, str(p.value) ?? ''] as const));
      const secretEnv = envs.find(([k, v]) => /TOKEN|PASSWORD|API_KEY|AUTH/i.test(k) && /\bsecrets\.|\binputs\./.test(v));
      for (const h of pubs) {
        if (/--dry-run\b|\s-n\b/.test(h.text)) continue;
        const viaTrusted = [...trustedSteps].some((id) => envs.some(([, v]) => v.includes(`steps.${id}.outputs`)) || script.includes(`steps.${id}.outputs`));
        if (viaTrusted) continue;
        if (oidc && !/\bsecrets\./.test(h.text)) continue;
        if (isAction && !secretEnv && !/\bsecrets\.|\binputs\.|TOKEN|PASSWORD/.test(script)) continue;
        emit({ ruleId: 'gha-long-lived-publish-token', start: bs + h.start, end: bs + h.end, anchor: step.runPair.key.range![0], identity: `${job.id}|${step.label}|${h.text.replace(/\s+/g, ' ')}`, message: `${h.text.split(/\s+/).slice(0, 3).join(' ')} publishes to ${h.registry} with a stored token${secretEnv ? ` (${secretEnv[0]})` : ''}; use trusted publishing (id-token: write) instead.` });
      }
    }
    if (!step.uses) continue;
    const or = ownerRepo(step.uses);
    if (or === 'pypa/gh-action-pypi-publish') {
      const pw = pairOf(step.with, 'password');
      if (pw && pw.value && (str(pw.value) ?? '').trim() !== '') emit({ ruleId: 'gha-long-lived-publish-token', start: pw.value.range![0], end: pw.value.range![1], anchor: pw.key.range![0], identity: `${job.id}|${step.label}|pypi-password`, message: 'pypa/gh-action-pypi-publish is given a stored API token; drop password: and use trusted publishing.' });
    }
    if (or === 'actions/setup-node') {
      const reg = str(get(step.with, 'registry-url')) ?? '';
      const aa = pairOf(step.with, 'always-auth');
      if ((reg.trim() === '' || /^https:\/\/registry\.npmjs\.org\/?$/.test(reg.trim())) && aa && truthy(str(aa.value))) {
        emit({ ruleId: 'gha-long-lived-publish-token', start: aa.key.range![0], end: (aa.value ?? aa.key).range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|setup-node-always-auth`, message: 'setup-node authenticates to registry.npmjs.org with a stored token (always-auth); publish with trusted publishing (id-token: write) instead.' });
      }
    }
  }
}

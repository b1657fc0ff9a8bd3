import type { Parse, RawFinding, Scanner, ScanContext, Severity, Target } from '../../core/types.js';
import { parseDirect, readText, targetFiles } from '../../core/types.js';
import type { IacConfig } from './config.js';
import { toRuleMeta } from '../../core/rules.js';
import { Reporter, ruleIndex } from './common.js';
import type { RuleDef } from './common.js';
import { dockerfileAnalyzer } from '../../analyzers/iac/dockerfile.js';
import { checkDockerfile } from '../../analyzers/iac/dockerfile-audit.js';
import { DOCKER_RULES } from './dockerfile/rules.js';
import { K8S_RULES, checkK8sObject } from './k8s.js';
import { k8sObjects } from '../../analyzers/iac/k8s.js';
import { COMPOSE_RULES, checkCompose } from './compose.js';
import { isComposeDoc } from '../../analyzers/iac/compose.js';
import { TF_RULES, checkTerraform, parseTfFiles } from './terraform/check.js';
import { hclAnalyzer } from '../../analyzers/iac/hcl.js';
import { yamlAnalyzer } from '../../analyzers/yaml.js';
import { isComposeFile, isDockerfile, isManifestCandidate, isTerraform, isUnrenderedTemplate, looksLikeManifest } from '../../analyzers/iac/files.js';

/** Every rule of the iac scanner. */
export const IAC_RULES: RuleDef[] = [...DOCKER_RULES, ...K8S_RULES, ...COMPOSE_RULES, ...TF_RULES];
const INDEX = ruleIndex(IAC_RULES);

/** True for any file the iac scanner reads. */
export function isIacPath(p: string): boolean {
  return isDockerfile(p) || isComposeFile(p) || isTerraform(p) || isManifestCandidate(p);
}

/**
 * Findings for one file's text (Dockerfile, compose or manifest); Terraform goes through {@link scanTerraform}.
 * `parse` gives the file's shared parse in a scan (`ctx.analyses.parser(file)`).
 */
export function scanIacText(path: string, text: string, cfg: Pick<IacConfig, 'disable' | 'severity'>, onError: (path: string, message: string) => void, parse: Parse = parseDirect): RawFinding[] {
  const rep = new Reporter('iac', INDEX, path, text, new Set(cfg.disable), cfg.severity as Record<string, Severity>);
  if (isDockerfile(path)) {
    const df = parse(dockerfileAnalyzer, path, text);
    for (const e of df.errors) onError(path, `line ${e.line}: ${e.message}`);
    for (const h of checkDockerfile(df)) rep.add(h);
    return rep.findings;
  }
  const compose = isComposeFile(path);
  if (!compose && (!looksLikeManifest(text) || isUnrenderedTemplate(path, text))) return [];
  const y = parse(yamlAnalyzer, path, text);
  if (y.error) {
    onError(path, y.error);
    return [];
  }
  for (const d of y.docs) {
    const root = d.contents;
    if (compose && isComposeDoc(root)) for (const h of checkCompose(root, y.lc)) rep.add(h);
    else if (!compose) for (const o of k8sObjects(root)) for (const h of checkK8sObject(o, y.lc)) rep.add(h);
  }
  return rep.findings;
}

/** Findings for the Terraform files of one target, grouped by module directory; each file's `parse` as in {@link scanIacText}. */
export function scanTerraform(files: { path: string; text: string; parse?: Parse }[], cfg: IacConfig, onError: (path: string, message: string) => void): RawFinding[] {
  const byDir = new Map<string, { path: string; text: string; parse?: Parse }[]>();
  for (const f of files) {
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '.';
    byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
  }
  const out: RawFinding[] = [];
  for (const group of byDir.values()) {
    const { parsed, errors } = parseTfFiles(group, (f) => (f.parse ?? parseDirect)(hclAnalyzer, f.path, f.text));
    for (const e of errors) onError(e.path, e.message);
    const hits = checkTerraform(parsed, cfg.adminPorts);
    for (const f of parsed) {
      const rep = new Reporter('iac', INDEX, f.path, f.text, new Set(cfg.disable), cfg.severity as Record<string, Severity>);
      for (const h of hits.get(f.path) ?? []) rep.add(h);
      out.push(...rep.findings);
    }
  }
  return out;
}

/** The iac scanner: Dockerfiles, Kubernetes manifests, docker-compose and Terraform. */
export const iacScanner: Scanner<IacConfig> = {
  id: 'iac',
  title: 'Infrastructure as code: Dockerfile, Kubernetes, compose, Terraform',
  requires: ['files'],
  targets: ['directory', 'staged', 'archive', 'file'],
  rules(config) {
    return toRuleMeta('iac', IAC_RULES, { disabled: new Set(config?.disable ?? []), severity: (config?.severity ?? {}) as Record<string, Severity> });
  },
  async *scan(target: Target, ctx: ScanContext<IacConfig>) {
    const tf: { path: string; text: string; parse: Parse }[] = [];
    for await (const f of targetFiles(target, { path: isIacPath })) {
      if (ctx.signal.aborted) return;
      const text = await readText(f, (path, message) => ctx.fileError(path, message));
      if (text === undefined) continue;
      ctx.count('files');
      if (isTerraform(f.path)) {
        tf.push({ path: f.path, text, parse: ctx.analyses.parser(f) });
        continue;
      }
      yield* scanIacText(f.path, text, ctx.config, (p, m) => ctx.fileError(p, m), ctx.analyses.parser(f));
    }
    if (tf.length && !ctx.signal.aborted) yield* scanTerraform(tf, ctx.config, (p, m) => ctx.fileError(p, m));
  },
};

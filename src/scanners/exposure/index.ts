import { getPath, isMap, isScalar, isSeq, rawItems, region, yamlAnalyzer } from '../../analyzers/yaml.js';
import type { Analyses, FileLocation, Location, Parse, RawFinding, Scanner, ScanContext, Target } from '../../core/types.js';
import { parseDirect, readText, targetFiles } from '../../core/types.js';
import type { Span } from '../../core/lines.js';
import { toRuleMeta } from '../../core/rules.js';
import type { ExposureConfig } from './config.js';
import { deriveExposures, deriveFromImage, IMAGE_CONFIG_PATH, isExposurePath } from './derive.js';
import type { Exposure } from './derive.js';
import { EXPOSURE_RULES, evaluate } from './policy.js';
import type { PolicyLocator, Verdict } from './policy.js';
export { portText } from './policy.js';

/** Config file names looked for in the target, to point declared-not-exposed findings at their line. */
const CONFIG_FILES = ['pipeguard.yml', 'pipeguard.yaml', '.pipeguard.yml', '.pipeguard.yaml'];

/** Reads every exposure source of a target (through the scan's shared parses when `analyses` is given). */
export async function collectExposures(target: Target, onError: (path: string, message: string) => void, signal?: AbortSignal, analyses?: Analyses): Promise<{ exposures: Exposure[]; files: number; locate?: PolicyLocator }> {
  const exposures: Exposure[] = [];
  let files = 0;
  let locate: PolicyLocator | undefined;
  for await (const f of targetFiles(target, { path: (p) => isExposurePath(p) || CONFIG_FILES.includes(p) })) {
    if (signal?.aborted) break;
    const text = await readText(f, onError);
    if (text === undefined) continue;
    if (CONFIG_FILES.includes(f.path)) {
      locate ??= policyLocator(f.path, text, analyses?.parser(f));
      continue;
    }
    files++;
    exposures.push(...deriveExposures(f.path, text, onError, analyses?.parser(f)));
  }
  const img = target.image;
  if (img?.config) exposures.push(...deriveFromImage(img.reference, img.config.exposedPorts));
  exposures.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.startLine - b.span.startLine || a.from - b.from));
  return { exposures, files, ...(locate ? { locate } : {}) };
}

/** Finds `scanners.exposure.services.<name>.public[i]` in a config file's text (its parse shared through `parse`). */
export function policyLocator(path: string, text: string, parse: Parse = parseDirect): PolicyLocator {
  const y = parse(yamlAnalyzer, path, text);
  const root = y.docs[0]?.contents;
  return (service, kind, index) => {
    const n = getPath(root, 'scanners', 'exposure', 'services', service, kind);
    const item = isSeq(n) ? rawItems(n)[index] : undefined;
    const node = item ?? n;
    if (!node?.range || !(isScalar(node) || isSeq(node) || isMap(node))) return { path };
    const span: Span = region({ lines: y.lc }, node.range[0], node.range[1]);
    return { path, span };
  };
}

/** Derives exposures and compares them with the policy; `policy` is false when no service is declared. */
export async function checkExposure(target: Target, cfg: ExposureConfig, onError: (path: string, message: string) => void, signal?: AbortSignal, analyses?: Analyses): Promise<{ policy: boolean; exposures: Exposure[]; verdicts: Verdict[]; findings: RawFinding<FileLocation>[]; files: number }> {
  const { exposures, files, locate } = await collectExposures(target, onError, signal, analyses);
  const policy = Object.keys(cfg.services).length > 0;
  if (!policy) return { policy, exposures, verdicts: exposures.map((e) => ({ exposure: e, status: 'unmatched' })), findings: [], files };
  const { verdicts, findings } = evaluate(exposures, cfg, locate);
  return { policy, exposures, verdicts, findings, files };
}

/** The exposure scanner: what the code exposes on the network against the policy in pipeguard.yml. */
export const exposureScanner: Scanner<ExposureConfig> = {
  id: 'exposure',
  title: 'Network exposure policy: declared vs. exposed ports',
  requires: ['files'],
  targets: ['directory', 'archive', 'image'],
  rules(config) {
    return toRuleMeta('exposure', EXPOSURE_RULES, { disabled: new Set(config?.disable ?? []) });
  },
  async *scan(target: Target, ctx: ScanContext<ExposureConfig>) {
    if (!ctx.config?.services || Object.keys(ctx.config.services).length === 0) return;
    const r = await checkExposure(target, ctx.config, (p, m) => ctx.fileError(p, m), ctx.signal, ctx.analyses);
    ctx.count('files', r.files);
    ctx.count('exposures', r.exposures.length);
    const image = target.image;
    for (const f of r.findings) {
      // A port an image's configuration exposes is reported at the image, not at a file.
      if (image && f.location.path === IMAGE_CONFIG_PATH && f.location.logical === image.reference) yield { ...f, location: { kind: 'image', image: image.reference, path: 'config' } as Location };
      else yield f;
    }
  },
};

/**
 * Runtimes and base images a project declares, read without running anything: `.nvmrc`, `.node-version`,
 * `package.json` `engines.node` when it names one line, `.python-version`, and the `FROM` lines of Dockerfiles
 * (`node:18-alpine`, `python:3.8-slim`, `debian:buster`, `ubuntu:20.04`, `alpine:3.16`). In an image: the
 * `NODE_VERSION` / `PYTHON_VERSION` its configuration sets (as the official images do).
 */
import { EOL_UPDATED, eolCycle, type EolCycle } from '../../data/eol.js';

/** One declaration of a runtime or base distribution. */
export interface RuntimeUse {
  /** `nodejs`, `python` (runtimes) or `debian`, `ubuntu`, `alpine` (base images). */
  product: string;
  version: string;
  path: string;
  line?: number;
  /** What the file says, for messages: `FROM node:16-alpine`, `.nvmrc`. */
  source: string;
}

/** Names people call products by in messages. */
export const PRODUCT_NAMES: Record<string, string> = { nodejs: 'Node.js', python: 'Python', debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine Linux' };

const DEBIAN: Record<string, string> = { jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };
const UBUNTU: Record<string, string> = { trusty: '14.04', xenial: '16.04', bionic: '18.04', focal: '20.04', jammy: '22.04', lunar: '23.04', mantic: '23.10', noble: '24.04', oracular: '24.10', plucky: '25.04', questing: '25.10' };

/** The product and version of an image reference's repository and tag, when it is one we date. */
export function imageRuntime(ref: string): { product: string; version: string } | undefined {
  const noDigest = ref.split('@')[0]!;
  const m = /^(?:(?:docker\.io\/)?(?:library\/))?([a-z0-9._-]+):([A-Za-z0-9._-]+)$/.exec(noDigest);
  if (!m) return undefined;
  const [, repo, tag] = m as unknown as [string, string, string];
  const num = /^v?(\d+(?:\.\d+)*)/.exec(tag)?.[1];
  if (repo === 'node' && num) return { product: 'nodejs', version: num };
  if (repo === 'python' && num) return { product: 'python', version: num };
  if (repo === 'debian') {
    const code = DEBIAN[tag.split('-')[0]!];
    if (code) return { product: 'debian', version: code };
    if (num) return { product: 'debian', version: num };
  }
  if (repo === 'ubuntu') {
    const code = UBUNTU[tag.split('-')[0]!];
    if (code) return { product: 'ubuntu', version: code };
    if (num && /^\d+\.\d+/.test(num)) return { product: 'ubuntu', version: num };
  }
  if (repo === 'alpine' && num && /^\d+\.\d+/.test(num)) return { product: 'alpine', version: num };
  return undefined;
}

/** `FROM` lines of a Dockerfile: each image it builds on, with its line (stage names and `scratch` left out). */
export function dockerfileRuntimes(text: string, path: string): RuntimeUse[] {
  const out: RuntimeUse[] = [];
  const stages = new Set<string>();
  const args = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=("?)([^\s"]+)\2\s*$/i.exec(line);
    if (arg) args.set(arg[1]!, arg[3]!);
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (!from) return;
    const ref = from[1]!.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => args.get(n) ?? `$${n}`);
    if (from[2]) stages.add(from[2].toLowerCase());
    if (stages.has(ref.toLowerCase()) && ref.toLowerCase() !== from[2]?.toLowerCase()) return;
    const rt = imageRuntime(ref);
    if (rt) out.push({ ...rt, path, line: i + 1, source: `FROM ${from[1]}` });
  });
  return out;
}

/** A version file (`.nvmrc`, `.node-version`, `.python-version`): its first version-looking line. */
export function versionFileRuntime(text: string, path: string, product: 'nodejs' | 'python'): RuntimeUse | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^(?:python-|node-)?v?(\d+(?:\.\d+)*)\s*$/.exec(t);
    return m ? { product, version: m[1]!, path, line: i + 1, source: path.split('/').pop()! } : undefined;
  }
  return undefined;
}

/** `engines.node` of a package.json, when it admits one line only (`18`, `18.x`, `^18.17.0`, `~20.11`, `>=18 <19`). */
export function enginesRuntime(text: string, path: string): RuntimeUse | undefined {
  let node: unknown;
  try {
    node = (JSON.parse(text) as { engines?: { node?: unknown } }).engines?.node;
  } catch {
    return undefined;
  }
  if (typeof node !== 'string') return undefined;
  const r = node.trim();
  const one = /^[~^=]?\s*v?(\d+)(?:\.(?:\d+|x|\*))*$/.exec(r) ?? /^>=\s*v?(\d+)(?:\.\d+)*\s+<\s*v?(\d+)(?:\.0)*$/.exec(r);
  if (!one) return undefined;
  if (one[2] !== undefined && Number(one[2]) !== Number(one[1]) + 1) return undefined;
  const line = text.split('\n').findIndex((l) => /"node"\s*:/.test(l));
  return { product: 'nodejs', version: one[1]!, path, ...(line >= 0 ? { line: line + 1 } : {}), source: `engines.node "${r}"` };
}

/** Where a release line stands at `asOf`: past its end of life, close to it, or fine (undefined). */
export function eolStatus(product: string, version: string, asOf: Date, warnDays: number): { cycle: EolCycle; past: boolean; days: number } | undefined {
  const cycle = eolCycle(product, version);
  if (!cycle) return undefined;
  const days = Math.floor((Date.parse(`${cycle.eol}T00:00:00Z`) - asOf.getTime()) / 86_400_000);
  if (days < 0) return { cycle, past: true, days };
  if (days <= warnDays) return { cycle, past: false, days };
  return undefined;
}

/** The date of the end-of-life data, printed with every finding and report that uses it. */
export const EOL_DATA_DATE = EOL_UPDATED;

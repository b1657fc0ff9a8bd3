import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Target } from '../core/types.js';
import { collectInventory } from '../analyzers/inventory/inventory.js';
import { cyclonedxBom, type SbomMeta } from './cyclonedx.js';
import { sbomComponents, sbomConstraints } from './inventory.js';
import { spdxDocument } from './spdx.js';

/** SBOM output formats. */
export type SbomFormat = 'cyclonedx' | 'spdx';

/** Options of {@link generateSbom}. */
export interface SbomOptions {
  format: SbomFormat;
  /** Leave out development-only packages. */
  excludeDev?: boolean;
  name?: string;
  tool: { name: string; version: string };
  now: Date;
  /** For a build artifact: its digest (`sha256:...`), recorded as the described file's hash. */
  subjectDigest?: string;
}

/**
 * Builds an SBOM document from every lockfile of a target. A lockfile that does not parse ends the
 * run with an InputError naming file and line: an SBOM with silently missing packages is worse than none.
 */
export async function generateSbom(target: Target, o: SbomOptions): Promise<{ document: Record<string, unknown>; components: number }> {
  const { lockfiles, errors } = await collectInventory(target);
  const first = errors[0];
  if (first) throw new InputError(first.message, first.path, first.line);
  // An image or artifact with no package is described as such (an empty list); a folder without a lockfile is an error.
  if (lockfiles.length === 0 && target.kind !== 'image' && target.kind !== 'archive') throw new InputError('no lockfile or manifest found', target.id);
  const filtered = o.excludeDev
    ? lockfiles.map((l) => ({ ...l, packages: l.packages.filter((p) => !p.dev), constraints: (l.constraints ?? []).filter((c) => !c.dev) }))
    : lockfiles;
  const { components, roots } = sbomComponents(filtered);
  const unresolved = sbomConstraints(filtered, components);
  const img = target.image;
  const meta: SbomMeta = {
    name: o.name ?? img?.reference ?? basename(target.id),
    tool: o.tool,
    timestamp: o.now,
    ...(img ? { subject: { type: 'container' as const, digest: img.manifestDigest, ...(img.platform ? { platform: img.platform } : {}) } } : {}),
    ...(o.subjectDigest && !img ? { subject: { type: 'file' as const, digest: o.subjectDigest } } : {}),
  };
  const document = o.format === 'spdx' ? spdxDocument(components, roots, meta, unresolved) : cyclonedxBom(components, roots, meta, unresolved);
  return { document, components: components.length };
}

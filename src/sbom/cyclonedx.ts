import { createHash } from 'node:crypto';
import type { SbomComponent, SbomConstraint } from './inventory.js';

/** What the SBOM is about and who made it. */
export interface SbomMeta {
  /** Name of the project (the scanned folder's name). */
  name: string;
  version?: string;
  tool: { name: string; version: string };
  timestamp: Date;
  /** What the SBOM describes when not a source tree: a container image or a build artifact. */
  subject?: { type: 'container' | 'file'; digest?: string; platform?: string };
}

/** A stable UUID (v4 layout) derived from content, so the same input gives the same document. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A CycloneDX 1.6 JSON BOM with components, licenses, hashes, scopes and the dependency graph. Requirements no file
 * resolves (manifest ranges, unpinned names) are components without a version, marked `pipeguard:unresolved`.
 */
export function cyclonedxBom(components: SbomComponent[], roots: string[], meta: SbomMeta, unresolved: SbomConstraint[] = []): Record<string, unknown> {
  const rootRef = `pipeguard:root:${meta.name}`;
  const seed = JSON.stringify([meta.name, components.map((c) => [c.purl, c.dependsOn])]);
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${stableUuid(seed)}`,
    version: 1,
    metadata: {
      timestamp: meta.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: meta.tool.name, version: meta.tool.version }] },
      component: {
        type: meta.subject?.type ?? 'application',
        'bom-ref': rootRef,
        name: meta.name,
        ...(meta.version ? { version: meta.version } : {}),
        ...(meta.subject?.digest ? { hashes: [{ alg: meta.subject.digest.startsWith('sha512:') ? 'SHA-512' : 'SHA-256', content: meta.subject.digest.slice(meta.subject.digest.indexOf(':') + 1) }] } : {}),
        ...(meta.subject?.platform ? { properties: [{ name: 'pipeguard:platform', value: meta.subject.platform }] } : {}),
      },
    },
    components: [
      ...components.map((c) => ({
      type: 'library',
      'bom-ref': c.purl,
      ...(c.ecosystem === 'Maven' ? { group: c.name.split(':')[0], name: c.name.split(':')[1] ?? c.name } : splitNpm(c)),
      version: c.version,
      scope: c.dev ? 'optional' : 'required',
      ...(c.hashes.length ? { hashes: c.hashes.map((h) => ({ alg: h.alg, content: h.hex })) } : {}),
      ...(c.downloadLocation ? { externalReferences: [{ type: c.downloadLocation.includes('+') ? 'vcs' : 'distribution', url: c.downloadLocation }] } : {}),
      ...(c.licenseExpression
        ? { licenses: /\s/.test(c.licenseExpression) ? [{ expression: c.licenseExpression }] : [{ license: { id: c.licenseExpression } }] }
        : c.licenseName
          ? { licenses: [{ license: { name: c.licenseName } }] }
          : {}),
      purl: c.purl,
      properties: [
        { name: 'pipeguard:ecosystem', value: c.ecosystem },
        ...c.sources.map((s) => ({ name: 'pipeguard:lockfile', value: s })),
        ...c.layers.map((l) => ({ name: 'pipeguard:layer', value: l })),
        ...(c.sourcePackage ? [{ name: 'pipeguard:source-package', value: c.sourcePackage }] : []),
        ...c.aliases.map((a) => ({ name: 'pipeguard:alias', value: a })),
        ...(c.dev ? [{ name: 'pipeguard:dev', value: 'true' }] : []),
      ],
    })),
      ...unresolved.map((u) => ({
        type: 'library',
        'bom-ref': `pipeguard:unresolved:${u.purl}`,
        ...splitNpm({ ecosystem: u.ecosystem, name: u.name } as SbomComponent),
        scope: u.dev ? 'optional' : 'required',
        purl: u.purl,
        properties: [
          { name: 'pipeguard:ecosystem', value: u.ecosystem },
          { name: 'pipeguard:unresolved', value: 'true' },
          ...u.specs.map((v) => ({ name: 'pipeguard:constraint', value: v })),
          ...u.sources.map((v) => ({ name: 'pipeguard:lockfile', value: v })),
          ...(u.dev ? [{ name: 'pipeguard:dev', value: 'true' }] : []),
        ],
      })),
    ],
    dependencies: [
      { ref: rootRef, dependsOn: roots },
      ...components.map((c) => ({ ref: c.purl, dependsOn: c.dependsOn })),
    ],
  };
}

function splitNpm(c: SbomComponent): { group?: string; name: string } {
  if (c.ecosystem === 'npm' && c.name.startsWith('@') && c.name.includes('/')) {
    const i = c.name.indexOf('/');
    return { group: c.name.slice(0, i), name: c.name.slice(i + 1) };
  }
  return { name: c.name };
}

import { createHash } from 'node:crypto';
import type { SbomMeta } from './cyclonedx.js';
import type { SbomComponent, SbomConstraint } from './inventory.js';

const SPDX_ALG: Record<string, string> = { 'SHA-512': 'SHA512', 'SHA-256': 'SHA256', 'SHA-1': 'SHA1' };

/**
 * An SPDX 2.3 JSON document: one package per component, DEPENDS_ON relationships for the graph; requirements no file
 * resolves are packages without `versionInfo`, their constraint in the comment.
 */
export function spdxDocument(components: SbomComponent[], roots: string[], meta: SbomMeta, unresolved: SbomConstraint[] = []): Record<string, unknown> {
  const ids = new Map<string, string>();
  components.forEach((c, i) => ids.set(c.purl, `SPDXRef-Package-${i + 1}-${c.name.replace(/[^A-Za-z0-9.-]+/g, '-').slice(0, 60)}`));
  const rootId = 'SPDXRef-Root';
  const seed = createHash('sha256').update(JSON.stringify([meta.name, components.map((c) => c.purl)])).digest('hex').slice(0, 32);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: meta.name,
    documentNamespace: `https://pipeguard.dev/spdx/${encodeURIComponent(meta.name)}-${seed}`,
    creationInfo: {
      created: meta.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: ${meta.tool.name}-${meta.tool.version}`],
    },
    packages: [
      {
        SPDXID: rootId,
        name: meta.name,
        ...(meta.version ? { versionInfo: meta.version } : {}),
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: meta.subject?.type === 'container' ? 'CONTAINER' : meta.subject?.type === 'file' ? 'ARCHIVE' : 'APPLICATION',
        ...(meta.subject?.digest ? { checksums: [{ algorithm: meta.subject.digest.startsWith('sha512:') ? 'SHA512' : 'SHA256', checksumValue: meta.subject.digest.slice(meta.subject.digest.indexOf(':') + 1) }] } : {}),
      },
      ...components.map((c) => ({
        SPDXID: ids.get(c.purl),
        name: c.name,
        versionInfo: c.version,
        downloadLocation: c.downloadLocation ?? 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: c.licenseExpression ?? 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: 'LIBRARY',
        ...(c.hashes.length ? { checksums: c.hashes.map((h) => ({ algorithm: SPDX_ALG[h.alg], checksumValue: h.hex })) } : {}),
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl }],
        // Where it was found: the file that lists it and, in an image, the layer that added it.
        sourceInfo: `found in ${c.sources.join(', ')}${c.layers.length ? ` (image layer ${c.layers.join(', ')})` : ''}`,
      })),
      ...unresolved.map((u, i) => ({
        SPDXID: `SPDXRef-Unresolved-${i + 1}-${u.name.replace(/[^A-Za-z0-9.-]+/g, '-').slice(0, 60)}`,
        name: u.name,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: 'LIBRARY',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: u.purl }],
        sourceInfo: `declared in ${u.sources.join(', ')}`,
        comment: `unresolved requirement ${u.specs.join(' | ')}: no lockfile says which version is installed`,
      })),
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId },
      ...roots.filter((r) => ids.has(r)).map((r) => ({ spdxElementId: rootId, relationshipType: 'DEPENDS_ON', relatedSpdxElement: ids.get(r) })),
      ...components.flatMap((c) =>
        c.dependsOn
          .filter((d) => ids.has(d))
          .map((d) => ({ spdxElementId: ids.get(c.purl), relationshipType: 'DEPENDS_ON', relatedSpdxElement: ids.get(d) })),
      ),
    ],
  };
}

/**
 * The one module of the threat model that reads what other parts of pipeguard already derive: the exposure
 * scanner's service and port derivation, the IaC YAML helpers and Kubernetes object reader, the dependency
 * inventory, and the SAST scanner's JavaScript/TypeScript parser. Everything the threat model needs from them goes
 * through here, so moving shared parsing into `src/analyzers/` means changing these imports only.
 */
export { deriveExposures, isExposurePath } from '../../scanners/exposure/derive.js';
export type { Exposure } from '../../scanners/exposure/derive.js';
export { collectInventory } from '../../analyzers/inventory/inventory.js';
export type { Dependency, ParsedLockfile } from '../../analyzers/inventory/types.js';
export { parseYaml, get, getPath, entries, items, str, spanOf } from '../../analyzers/yaml.js';
export { isComposeFile, isDockerfile, isManifestCandidate, looksLikeManifest, isUnrenderedTemplate } from '../../analyzers/iac/files.js';
export { isComposeDoc } from '../../analyzers/iac/compose.js';
export { k8sObjects, podSpecOf } from '../../analyzers/iac/k8s.js';
export { parseSource } from '../../scanners/sast/js/parse.js';
export { default as ts } from '../../scanners/sast/js/tslib.js';

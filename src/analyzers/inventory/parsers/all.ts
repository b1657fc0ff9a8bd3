/**
 * Every lockfile and manifest parser, in one module that parsers/index.ts loads when the first such file is read: a
 * scan of a tree without any loads none of them, nor the XML (saxes) and TOML readers they use.
 */
export { parseBunLock } from './bun.js';
export { parsePackageLock } from './npm.js';
export {
  parseCargoLock,
  parseComposerLock,
  parseGemfileLock,
  parseGoMod,
  parseGradleLockfile,
  parseNugetLock,
} from './other.js';
export { parseDepsJson, parseDirectoryPackagesProps, parsePackagesConfig, parsePaketLock, parseProjectAssets, parseProjectFile } from './dotnet.js';
export {
  parseCabalFreeze,
  parseConanLock,
  parseGleamManifest,
  parseJuliaManifest,
  parseMixLock,
  parsePackageResolved,
  parsePodfileLock,
  parsePubspecLock,
  parseRebarLock,
  parseRenvLock,
  parseStackLock,
} from './ecosystems.js';
export { parseCargoToml, parseDenoJson, parseGleamToml, parseJuliaProject, parsePyproject, parseSetupCfg, parseSetupPy } from './manifests.js';
export { parsePomXml } from './maven.js';
export { parseGemfile, parsePackageJson, parsePaketDependencies, parsePipfile, parsePubspecYaml } from './unlocked.js';
export { parseDenoLock, parseGoVendorModules, parseGradleVerification, parsePylock, parseVersionCatalog } from './more.js';
export { parsePnpmLock } from './pnpm.js';
export { parseSbom } from './sbom.js';
export { parsePdmLock, parsePipfileLock, parsePoetryLock, parseRequirements, parseUvLock } from './python.js';
export { parseYarnLock } from './yarn.js';
export { objectOr } from './text.js';

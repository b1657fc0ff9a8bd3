/** Where the patch-level section's paths are resolved (src/config, so that the CLI's scan need not load the scanner). */
export { resolvePatchLevelPaths } from '../../config/patch-level-paths.js';

import { scannerSection } from '../../core/config-section.js';

/** The `scanners.deps` section of pipeguard.yml. */
export const depsConfigSchema = scannerSection({});

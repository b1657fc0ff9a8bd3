import { scannerSection } from '../../core/config-section.js';

/** The `scanners.sast` section of pipeguard.yml. */
export const sastConfigSchema = scannerSection({});

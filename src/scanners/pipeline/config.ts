import { scannerSection } from '../../core/config-section.js';

/** The `scanners.pipeline` section of pipeguard.yml. */
export const pipelineConfigSchema = scannerSection({});

import type { Scanner } from '../core/types.js';
import { exposureScanner } from './exposure/index.js';
import { iacScanner } from './iac/index.js';
import { pipelineScanner } from './pipeline/scanner.js';
import { postureScanner } from './posture/index.js';
import { sastScanner } from './sast/index.js';
import { secretsScanner } from './secrets/scanner.js';
import { depsScanner } from './deps/index.js';
import { licensesScanner } from './licenses/index.js';

/**
 * Every scanner, in run order: an explicit list, no import side effects.
 * Adding a scanner is one line here; test/scanners/registry.test.ts checks each scanner folder is listed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const SCANNERS: Scanner<any>[] = [secretsScanner, iacScanner, exposureScanner, postureScanner, pipelineScanner, sastScanner, depsScanner, licensesScanner];

/** The pipeline scanner's entry: the scanner, which files it reads, and the fixes `pipeguard fix` applies. */
export { pipelineScanner, pipelineFileKind, type PipelineFileKind } from './scanner.js';
export { collectPins, FIXABLE_RULES, planFixes, unifiedDiff, type FixPlan } from './fix.js';

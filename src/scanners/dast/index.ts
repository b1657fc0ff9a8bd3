/** The DAST scanner's entry: the scanner, and the duration syntax its options take. */
export { dastScanner } from './scanner.js';
export { durationSchema } from './config.js';

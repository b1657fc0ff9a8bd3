import { GO_PACK } from './go.js';
import { JAVA_PACK } from './java.js';
import { PYTHON_PACK } from './python.js';

/** The built-in rule packs in the YAML rule format, by name. */
export const BUILTIN_PACKS: { name: string; yaml: string }[] = [
  { name: 'python', yaml: PYTHON_PACK },
  { name: 'go', yaml: GO_PACK },
  { name: 'java', yaml: JAVA_PACK },
];

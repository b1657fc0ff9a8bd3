/** CEL conditions moved to src/core/cel.ts (shared with the monitor's rules); kept here for the threat model's imports. */
export * from '../core/cel.js';

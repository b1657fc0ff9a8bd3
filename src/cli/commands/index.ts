import type { Command } from '../io.js';

/** Every `pipeguard` sub-command, in the order `--help` lists them. Adding one is one line here. */
export const COMMANDS: Command[] = [];

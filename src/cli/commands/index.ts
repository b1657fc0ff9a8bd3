import type { Command } from '../io.js';
import { exposureCommand } from './exposure.js';
import { fixCommand } from './fix.js';
import { initCommand } from './init.js';
import { rulesCommand } from './rules.js';
import { scanCommand } from './scan.js';
import { secretsCommand } from './secrets.js';
import { dbCommand } from './db.js';
import { sbomCommand } from './sbom.js';

/** Every `pipeguard` sub-command, in the order `--help` lists them. Adding one is one line here. */
export const COMMANDS: Command[] = [scanCommand, secretsCommand, rulesCommand, initCommand, exposureCommand, fixCommand, dbCommand, sbomCommand];

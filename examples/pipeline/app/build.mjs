// The build step: packages app/src into app/dist. It is given GH_TOKEN (and only that) to fetch private
// dependencies; it prints it, as careless build scripts do, to show that pipeguard masks it in every form.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';

const token = process.env.GH_TOKEN ?? '';
process.stdout.write(`fetching dependencies with token ${token}\n`);
process.stdout.write(`Authorization: Basic ${Buffer.from(`ci:${token}`).toString('base64')}\n`);
process.stdout.write(`deploy key visible here? ${process.env.APP_DEPLOY_KEY ?? process.env.DEPLOY_KEY ?? 'no'}\n`);
mkdirSync('app/dist', { recursive: true });
cpSync('app/src', 'app/dist', { recursive: true });
// LEAK_TOKEN=1 bakes the token into the artifact: the gate after this step must stop the run
if (process.env.LEAK_TOKEN === '1') writeFileSync('app/dist/config.js', `export const token = '${token}';\n`);
process.stdout.write('built app/dist\n');

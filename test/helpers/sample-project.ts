/**
 * A small, realistically flawed project for the integration-format tests (JSON schema, GitLab reports, HTML):
 * a committed AWS key and GitHub token, a SQL injection with a taint path, a weak workflow, a root Dockerfile,
 * a lockfile with a vulnerable lodash, a test fixture with a password. Secrets are built at run time.
 */
import { awsKeyId, githubToken } from './tokens.js';

/** The secrets planted in {@link sampleProject}: no report may print them whole. */
export const SAMPLE_SECRETS = [awsKeyId(4242), githubToken(4243)];

/** File contents by path. */
export function sampleProject(): Record<string, string> {
  const [aws, gh] = SAMPLE_SECRETS;
  return {
    'config/settings.js': `export const region = 'eu-west-1';\nexport const accessKeyId = "${aws}";\n`,
    'deploy/publish.sh': `#!/bin/sh\nexport GITHUB_TOKEN=${gh}\ncurl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/user\n`,
    'src/api/items.ts': [
      "import mysql from 'mysql2/promise';",
      "import type { Request, Response } from 'express';",
      '',
      "const pool = mysql.createPool({ host: '127.0.0.1' });",
      '',
      'export async function search(req: Request, res: Response) {',
      '  const q = req.query.q as string;',
      "  const rows = await pool.query(`SELECT * FROM items WHERE title LIKE '%${q}%'`);",
      '  res.json(rows);',
      '}',
      '',
    ].join('\n'),
    '.github/workflows/ci.yml': [
      'name: ci',
      'on: [push, pull_request_target]',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: npm ci && npm test',
      '',
    ].join('\n'),
    Dockerfile: ['FROM node:20', 'COPY . /app', 'RUN curl -sSL https://example.com/install.sh | sh', 'CMD ["node", "/app/server.js"]', ''].join('\n'),
    'package.json': JSON.stringify({ name: 'sample-shop', version: '1.0.0', dependencies: { lodash: '4.17.20' } }, null, 2) + '\n',
    'package-lock.json':
      JSON.stringify(
        {
          name: 'sample-shop',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: {
            '': { name: 'sample-shop', version: '1.0.0', dependencies: { lodash: '4.17.20' } },
            'node_modules/lodash': {
              version: '4.17.20',
              resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz',
              integrity: 'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==',
            },
          },
        },
        null,
        2,
      ) + '\n',
    'README.md': '# sample shop\n',
  };
}

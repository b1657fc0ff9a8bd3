import { rule, type RuleInfo } from '../../core/rules.js';

/**
 * Dependency examples are the JSON of a scenario the tests run for real against a registry on loopback: the
 * installed version of a direct dependency and the versions the registry lists (`deprecated` ones too). Runtime
 * examples are file contents (`path`, `text`) judged at `asOf`.
 */
const dep = (installed: string, versions: string[], deprecated: string[] = []): string => JSON.stringify({ installed, versions, deprecated });
const file = (path: string, text: string): string => JSON.stringify({ path, text, asOf: '2026-12-06' });

/** The rules of the patch-level checks. */
export const PATCH_LEVEL_RULES: RuleInfo[] = [
  rule('dependency-behind-patch', 'Direct dependency behind the newest patch release', 'medium', 'A newer patch release of the same minor line is published: patch releases carry bug and security fixes and keep the API. Update the dependency (`npm update <name>`) and commit the lockfile.', {
    cwe: 'CWE-1104',
    confidence: 'high',
    tags: ['dependencies', 'patch-level'],
    examples: { positive: [dep('4.17.15', ['4.17.15', '4.17.20', '4.17.21', '5.0.0-beta.1']), dep('0.3.1', ['0.3.1', '0.3.4', '0.4.0'])], negative: [dep('4.17.21', ['4.17.15', '4.17.21', '4.18.0-rc.1', '5.0.0']), dep('2.1.0', ['2.1.0', '2.1.1'], ['2.1.1'])] },
  }),
  rule('dependency-behind-minor', 'Direct dependency behind the newest minor release of its line', 'low', 'A newer minor release of the same major line is published. Minor releases are meant to be compatible, and old minors of a line stop getting fixes: update within the line (`npm install <name>@^<major>`).', {
    cwe: 'CWE-1104',
    confidence: 'high',
    tags: ['dependencies', 'patch-level'],
    examples: { positive: [dep('1.2.3', ['1.2.3', '1.3.0', '1.4.2'])], negative: [dep('1.4.2', ['1.2.3', '1.4.2', '2.0.0']), dep('0.3.4', ['0.3.4', '0.4.0', '0.5.1'])] },
  }),
  rule('runtime-eol', 'Runtime past (or near) its end of life', 'high', 'The project runs on a Node.js or Python release line whose security support has ended (or ends within the warning window): no more fixes ship for it. Move to a supported line (see the end-of-life dates printed with the finding).', {
    cwe: 'CWE-1104',
    confidence: 'high',
    tags: ['runtime', 'patch-level', 'eol'],
    examples: { positive: [file('.nvmrc', 'v16.20.2\n'), file('Dockerfile', 'FROM python:3.8-slim\n')], negative: [file('.nvmrc', 'lts/*\n'), file('Dockerfile', 'FROM node:24-alpine\n')] },
  }),
  rule('base-image-eol', 'Base image distribution past (or near) its end of life', 'high', 'A Dockerfile builds on a Debian, Ubuntu or Alpine release whose security support has ended (or ends within the warning window): its packages get no more fixes. Move the FROM line to a supported release.', {
    cwe: 'CWE-1104',
    confidence: 'high',
    tags: ['image', 'patch-level', 'eol'],
    examples: { positive: [file('Dockerfile', 'FROM debian:buster-slim\n'), file('Dockerfile', 'FROM alpine:3.16\n')], negative: [file('Dockerfile', 'FROM debian:trixie-slim\n'), file('Dockerfile', 'FROM alpine:3.22\n')] },
  }),
];

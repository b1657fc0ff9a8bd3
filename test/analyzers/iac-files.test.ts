import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDockerfile } from '../../src/analyzers/iac/files.js';

test('Dockerfile names: variants by suffix or prefix are Dockerfiles; the source and docs of a Dockerfile tool are not', () => {
  for (const p of ['Dockerfile', 'docker/Dockerfile.prod', 'Containerfile', 'Containerfile.arm64', 'dockerfile', 'api.Dockerfile', 'build/app.containerfile', 'Dockerfile.bak', 'Dockerfile.dev.alpine']) {
    assert.equal(isDockerfile(p), true, p);
  }
  for (const p of ['src/analyzers/iac/dockerfile.ts', 'lib/dockerfile.js', 'docs/Dockerfile.md', 'dockerfile.py', 'Dockerfile.json', 'schemas/dockerfile.yaml', 'Dockerfilelint', 'my-Dockerfile-notes.txt', 'dockerfile.test.ts', '.dockerignore']) {
    assert.equal(isDockerfile(p), false, p);
  }
});

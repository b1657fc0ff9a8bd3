import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectInventory } from '../../../src/analyzers/inventory/inventory.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { fileLoc } from '../../helpers/fixtures.js';
import { fixtureCopy, inventory, parseError, rows, scanDeps, summary } from './helpers.js';

test('pyproject.toml (PEP 621, PEP 735): == pins are packages, ranges, wildcards, URLs and bare names are constraints', async () => {
  const { files, errors } = await inventory('pyproject-pep621');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('pyproject.toml')), {
    packages: ['Django@3.2.0:10', 'PyYAML@5.3:12', 'urllib3@1.26.4:13', 'psycopg2-binary@2.9.1:20 optional', 'pytest@7.0.0:23 dev'],
    constraints: ['requests >=2.25,<3:11', 'click *:14', 'pillow ==9.*:15', 'mylib @ https://example.invalid/mylib-1.0.tar.gz:16', 'coverage >=6:23 dev'],
  });
  // build-system requirements are not dependencies of the project
  assert.ok(!files.get('pyproject.toml')?.constraints?.some((c) => c.name === 'hatchling'));
});

test('pyproject.toml (Poetry): a bare version is exact, ^ and ~ are ranges; python and path packages are not dependencies', async () => {
  const { files, errors } = await inventory('pyproject-poetry');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('pyproject.toml')), {
    packages: ['django@3.2.0:9', 'ruamel.yaml@0.17.21:11 optional', 'pytest@7.4.0:16 dev'],
    constraints: ['requests ^2.31:10', 'gunicorn git https://github.com/benoitc/gunicorn.git:13', 'black ~23.1:17 dev'],
  });
});

test('setup.py literal lists are read without running the file; setup.cfg options; code-built lists are a note', async () => {
  const py = await inventory('setuppy');
  assert.deepEqual(py.errors, []);
  assert.deepEqual(rows(py.files.get('setup.py')), {
    packages: ['Django@3.2.0:10', 'redis@4.1.0:12', 'boto3@1.20.0:15 optional', 'pytest@7.0.0:18 dev'],
    constraints: ['celery >=5.2:11', 'sphinx *:16 optional'],
  });
  const cfg = await inventory('setupcfg');
  assert.deepEqual(cfg.errors, []);
  assert.deepEqual(rows(cfg.files.get('setup.cfg')), {
    packages: ['requests@2.25.0:9', 'urllib3@1.26.4:11', 'PyYAML@5.3:14 optional'],
    constraints: ['prometheus-client >=0.12:10'],
  });
  const dynamic = await inventory('setuppy-dynamic');
  assert.deepEqual(dynamic.errors, ['setup.py:8: install_requires is not a literal list (built by code); its requirements are not read']);
  assert.deepEqual(dynamic.files.get('setup.py')?.packages, []);
});

test('Cargo.toml without a Cargo.lock: =x.y.z pins are packages, caret requirements constraints; a workspace Cargo.lock wins', async () => {
  const { files, errors } = await inventory('cargo-manifest');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('Cargo.toml')), {
    packages: ['tokio@1.0.0:7', 'hyper@0.14.10:9', 'tempfile@3.2.0:16 dev', 'nix@0.20.0:19'],
    constraints: ['serde 1.0:8', 'http-body ^0.4:10', 'rustls git https://github.com/rustls/rustls:12'],
  });
  // the member crate's Cargo.toml is resolved by the workspace's Cargo.lock: only the lockfile is read
  const ws = await inventory('cargo-ws');
  assert.deepEqual([...ws.files.keys()], ['Cargo.lock']);
  // a poetry.lock beside pyproject.toml wins the same way
  assert.deepEqual([...(await inventory('poetry')).files.keys()], ['poetry.lock']);
});

test('requirements.txt: pip option lines skipped without losing what follows, -c pins what is required, ${VAR} never a version', async () => {
  const { files, errors } = await inventory('pip-options');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('requirements.txt')), {
    // requests is unpinned here, pinned by the -c file; idna is only constrained, never required: not installed
    packages: ['requests@2.25.0:6', 'Django@3.2.0:7', 'urllib3@1.26.4:12'],
    constraints: ['flask ==${FLASK_VERSION}:8', 'numpy >=1.21,<2:10'],
  });
  assert.deepEqual(files.get('requirements.txt')?.packages.find((p) => p.name === 'urllib3')?.hashes, ['sha256:2f4da4594db7e1e110a944bb1b551fdf4e6c136ad42e4234131391e21eb5b0df']);
});

test('manifests without lockfiles match advisories by their pinned versions', async () => {
  const report = await scanDeps(fixtureCopy('pyproject-pep621', 'cargo-manifest', 'setupcfg'));
  const byFile = (p: string) => summary(report.findings.filter((f) => fileLoc(f.location).path === p));
  assert.ok(byFile('pyproject-pep621/pyproject.toml').some((s) => s.startsWith('Django@3.2.0 ')), byFile('pyproject-pep621/pyproject.toml').join(', '));
  assert.ok(byFile('cargo-manifest/Cargo.toml').some((s) => s.startsWith('tokio@1.0.0 ')), byFile('cargo-manifest/Cargo.toml').join(', '));
  assert.ok(byFile('setupcfg/setup.cfg').some((s) => s.startsWith('requests@2.25.0 ')), byFile('setupcfg/setup.cfg').join(', '));
  // constraints are never matched: no finding names a range
  assert.ok(!report.findings.some((f) => String(f.data?.version).includes('>')));
});

test('malformed manifests name the line', async () => {
  assert.match(await parseError('pyproject.toml', '[project]\nname = "x"\ndependencies = [\n  "ok==1.0",\n  "==2.0",\n]\n'), /^5: cannot read requirement "==2.0"/);
  assert.match(await parseError('pyproject.toml', '[project]\ndependencies = "requests"\n'), /^1: \[project\] dependencies is not an array/);
  assert.match(await parseError('pyproject.toml', '[tool.poetry.dependencies\ndjango = "3.2"\n'), /^1: invalid TOML/);
  assert.match(await parseError('setup.py', 'from setuptools import setup\nsetup(\n    install_requires=[\n        "django==3.2",\n'), /^3: install_requires list is not closed/);
  assert.match(await parseError('setup.py', 'setup(install_requires=[\n  "django==3.2",\n  "!!bad",\n])\n'), /^3: cannot read requirement "!!bad"/);
  assert.match(await parseError('setup.cfg', '[options]\ninstall_requires =\n    requests==2.0\n    ==1.0\n'), /^4: cannot read requirement "==1.0"/);
  assert.match(await parseError('setup.cfg', '[options\ninstall_requires = x\n'), /^1: cannot read section header/);
  assert.match(await parseError('Cargo.toml', '[package]\nname = "x"\n\n[dependencies]\ntokio = "1.0\nserde = "1"\n'), /^5: invalid TOML/);
});

test('gleam.toml, Julia Project.toml and deno.json without their lockfiles; with them, only the lockfile', async () => {
  const gleam = await inventory('gleam-project');
  assert.deepEqual(gleam.errors, []);
  assert.deepEqual(rows(gleam.files.get('gleam.toml')), {
    packages: ['gleam_http@3.5.3:7', 'mist@0.14.3:8'],
    constraints: ['gleam_stdlib >= 0.34.0 and < 2.0.0:6', 'gleeunit ~> 1.0:12 dev'],
  });
  const julia = await inventory('julia-project');
  assert.deepEqual(julia.errors, []);
  assert.deepEqual(rows(julia.files.get('Project.toml')), { packages: ['HTTP@1.9.6:8'], constraints: ['Dates *:7', 'JSON 0.21:9'] });
  const deno = await inventory('deno-config');
  assert.deepEqual(deno.errors, []);
  assert.deepEqual(rows(deno.files.get('deno.json')), {
    packages: ['express@4.17.1:5', '@std/path@1.0.8:7'],
    constraints: ['chalk ^5.3.0:6', '@std/assert ^1.0.0:8'],
  });
  assert.equal(deno.files.get('deno.json')?.packages[1]?.ecosystem, 'JSR');
  for (const [dir, lock] of [['gleam', 'manifest.toml'], ['julia', 'Manifest.toml'], ['deno', 'deno.lock']]) {
    const inv = await inventory(dir as string);
    assert.ok([...inv.files.keys()].includes(lock as string) && ![...inv.files.keys()].some((k) => /gleam\.toml|Project\.toml|deno\.json/.test(k)), dir);
  }
  assert.match(await parseError('deno.json', '{\n  "imports": {\n    "a": npm:a\n  }\n}\n'), /^3: /);
  assert.match(await parseError('gleam.toml', 'name = "x"\n[dependencies\n'), /^2: invalid TOML/);
  assert.match(await parseError('Project.toml', '[deps]\nHTTP = \n'), /^2: invalid TOML/);
});

test('a manifest that declares nothing (tool settings only) is not a dependency file: no database is asked for', async () => {
  const dir = fixtureCopy('cargo-manifest');
  rmSync(join(dir, 'cargo-manifest'), { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), '[tool.black]\nline-length = 100\n\n[tool.ruff]\nselect = ["E", "F"]\n');
  writeFileSync(join(dir, 'Cargo.toml'), '[workspace]\nmembers = []\n');
  const inv = await collectInventory(await openDirectory(dir, { gitignore: false }));
  assert.deepEqual(inv.lockfiles, []);
  const report = await scanDeps(dir, { db: join(dir, 'missing.db'), requireDatabase: true });
  assert.equal(report.statuses.find((s) => s.scanner === 'deps')?.status, 'succeeded');
});

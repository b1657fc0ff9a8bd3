// The test step: no secrets.
import assert from 'node:assert/strict';
import { greet } from './dist/index.js';

assert.equal(greet('world'), 'hello, world');
assert.equal(process.env.GH_TOKEN, undefined, 'the test step was not given GH_TOKEN');
process.stdout.write('tests passed\n');

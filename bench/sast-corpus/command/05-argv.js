#!/usr/bin/env node
const { exec } = require('child_process');
const target = process.argv[2];
exec('rm -rf ' + target); // vuln
const quoted = require('shell-quote').quote([target]);
exec('rm -rf ' + quoted); // safe

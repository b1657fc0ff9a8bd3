const express = require('express');
const { exec, execSync, spawn, execFile } = require('child_process');
const router = express.Router();

router.get('/ping', (req, res) => {
  const host = req.query.host;
  exec(`ping -c 1 ${host}`, (err, out) => res.send(out)); // vuln
});

router.post('/convert', function (req, res) {
  const { file } = req.body;
  const out = execSync('convert ' + file + ' out.png'); // vuln
  res.json({ ok: true, size: out.length });
});

router.get('/ls', (req, res) => {
  const child = spawn('ls', ['-la', req.query.dir]); // safe
  child.stdout.pipe(res);
});

router.get('/sh', (req, res) => {
  spawn('sh', ['-c', 'ls ' + req.query.dir]); // vuln
  res.end();
});

router.get('/git', (req, res) => {
  execFile('git', ['log', '--oneline', req.query.ref], (e, o) => res.send(o)); // safe
});

router.get('/uptime', (req, res) => {
  exec('uptime', (e, o) => res.type('text').send(o)); // safe
});

module.exports = router;

const express = require('express');
const fs = require('fs');
const path = require('path');
const app = express();
const BASE = path.join(__dirname, 'uploads');

app.get('/download', (req, res) => {
  const file = req.query.file;
  res.sendFile(path.join(BASE, file)); // vuln
});

app.get('/download2', (req, res) => {
  res.sendFile(path.basename(req.query.file), { root: BASE }); // safe
});

app.get('/read', (req, res) => {
  fs.readFile('./data/' + req.params.name, 'utf8', (err, data) => res.send(data)); // vuln
});

app.get('/read2', (req, res) => {
  const p = path.resolve(BASE, req.query.name);
  if (!p.startsWith(BASE + path.sep)) return res.status(403).end();
  fs.readFile(p, (err, data) => res.send(data)); // safe
});

app.get('/read3', (req, res) => {
  const name = req.query.name;
  if (name.includes('..') || name.includes('/')) return res.status(400).end();
  res.download(path.join(BASE, name)); // safe
});

app.post('/save', (req, res) => {
  fs.writeFileSync(path.join(BASE, req.body.filename), req.body.content); // vuln
  res.end();
});

app.get('/report', (req, res) => {
  const name = `report-${Date.now()}.pdf`;
  res.download(path.join(BASE, name)); // safe
});

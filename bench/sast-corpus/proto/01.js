const _ = require('lodash');
const app = require('express')();
const config = {};
app.post('/settings', (req, res) => {
  const { path, value } = req.body;
  _.set(config, path, value); // vuln
  res.json(config);
});
app.post('/merge', (req, res) => {
  const merged = _.merge({}, req.body); // vuln
  res.json(merged);
});
app.post('/assign', (req, res) => {
  const obj = {};
  obj[req.body.a][req.body.b] = req.body.c; // vuln
  res.json(obj);
});
app.post('/assign2', (req, res) => {
  const store = new Map();
  store.set(req.body.key, req.body.value); // safe
  res.end();
});
app.post('/setkey', (req, res) => {
  const key = req.body.key;
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return res.status(400).end();
  config[key] = req.body.value; // safe
  res.end();
});

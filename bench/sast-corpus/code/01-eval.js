const express = require('express');
const vm = require('vm');
const app = express();

app.post('/calc', (req, res) => {
  const expr = req.body.expression;
  const result = eval(expr); // vuln
  res.json({ result });
});

app.get('/fn', (req, res) => {
  const f = new Function('a', 'b', req.query.body); // vuln
  res.json({ r: f(1, 2) });
});

app.get('/timer', (req, res) => {
  setTimeout('console.log("' + req.query.msg + '")', 100); // vuln
  setTimeout(() => console.log('done'), Number(req.query.delay)); // safe
  res.end();
});

app.post('/sandbox', (req, res) => {
  const out = vm.runInNewContext(req.body.code, {}); // vuln
  res.json({ out });
});

app.post('/sandbox2', (req, res) => {
  const ctx = { input: req.body.code };
  const out = vm.runInNewContext('input.length', ctx); // safe
  res.json({ out });
});

app.post('/json', (req, res) => {
  const data = JSON.parse(req.body.raw); // safe
  res.json(data);
});

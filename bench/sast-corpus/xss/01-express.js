const express = require('express');
const escapeHtml = require('escape-html');
const app = express();

app.get('/hello', (req, res) => {
  res.send('<h1>Hello ' + req.query.name + '</h1>'); // vuln
});

app.get('/hello2', (req, res) => {
  res.send('<h1>Hello ' + escapeHtml(req.query.name) + '</h1>'); // safe
});

app.get('/search', (req, res) => {
  const q = req.query.q;
  res.write(`<p>Results for ${q}</p>`); // vuln
  res.end();
});

app.get('/api/echo', (req, res) => {
  res.json({ echo: req.query.q }); // safe
});

app.get('/api/echo2', (req, res) => {
  res.send(JSON.stringify({ echo: req.query.q })); // safe
});

app.get('/plain', (req, res) => {
  res.type('text/plain');
  res.send(req.query.msg); // safe
});

app.get('/err', (req, res) => {
  res.status(404).send(`Page ${req.path} not found`); // vuln
});

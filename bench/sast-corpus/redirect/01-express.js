const app = require('express')();
app.get('/login', (req, res) => {
  res.redirect(req.query.returnTo); // vuln
});
app.get('/login2', (req, res) => {
  const next = req.query.next;
  if (!next.startsWith('/') || next.startsWith('//')) return res.redirect('/');
  res.redirect(next); // safe
});
app.get('/go', (req, res) => {
  res.writeHead(302, { Location: req.query.to }); // vuln
  res.end();
});
app.get('/go2', (req, res) => {
  res.redirect('/profile?tab=' + encodeURIComponent(req.query.tab)); // safe
});
app.get('/go3', (req, res) => {
  res.redirect(302, req.query.url); // vuln
});
const WHITELIST = ['https://a.example.com', 'https://b.example.com'];
app.get('/go4', (req, res) => {
  if (WHITELIST.includes(req.query.url)) res.redirect(req.query.url); // safe
});

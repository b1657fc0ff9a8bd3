const app = require('express')();
const escapeRegExp = require('lodash/escapeRegExp');
app.get('/search', (req, res) => {
  const re = new RegExp(req.query.pattern); // vuln
  res.json(['a', 'b'].filter((x) => re.test(x)));
});
app.get('/search2', (req, res) => {
  const re = new RegExp(escapeRegExp(req.query.pattern), 'i'); // safe
  res.json(['a', 'b'].filter((x) => re.test(x)));
});
app.get('/search3', (req, res) => {
  const q = req.query.q;
  const ok = 'abc'.match(q); // vuln
  res.json({ ok });
});
const EMAIL = /^([a-zA-Z0-9]+)*@example\.com$/; // vuln
const SAFE = /^[a-z0-9]+@example\.com$/; // safe
module.exports = { EMAIL, SAFE };

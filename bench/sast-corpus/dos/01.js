const app = require('express')();
app.get('/arr', (req, res) => {
  const arr = new Array(parseInt(req.query.size)); // vuln
  res.json(arr.length);
});
app.get('/buf', (req, res) => {
  const b = Buffer.alloc(Number(req.query.n)); // vuln
  res.send(b);
});
app.get('/loop', (req, res) => {
  for (let i = 0; i < req.query.count; i++) { // vuln
    res.write('x');
  }
  res.end();
});
app.get('/loop2', (req, res) => {
  const n = Math.min(parseInt(req.query.count, 10) || 0, 100);
  for (let i = 0; i < n; i++) res.write('x'); // safe
  res.end();
});

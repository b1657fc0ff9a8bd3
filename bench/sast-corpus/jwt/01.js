const jwt = require('jsonwebtoken');
const app = require('express')();
const SECRET = 'supersecret123';
app.post('/login', (req, res) => {
  const token = jwt.sign({ id: 1 }, 'my-hardcoded-secret', { expiresIn: '1h' }); // vuln
  const token2 = jwt.sign({ id: 1 }, SECRET); // vuln
  const token3 = jwt.sign({ id: 1 }, process.env.JWT_SECRET, { algorithm: 'HS256' }); // safe
  res.json({ token, token2, token3 });
});
app.get('/me', (req, res) => {
  const payload = jwt.verify(req.headers.authorization, process.env.JWT_SECRET); // vuln
  const payload2 = jwt.verify(req.headers.authorization, process.env.JWT_SECRET, { algorithms: ['HS256'] }); // safe
  const payload3 = jwt.verify(req.headers.authorization, process.env.JWT_SECRET, { algorithms: ['none', 'HS256'] }); // vuln
  res.json({ payload, payload2, payload3 });
});
app.get('/me2', (req, res) => {
  const user = jwt.decode(req.headers.authorization); // vuln
  res.json(user);
});

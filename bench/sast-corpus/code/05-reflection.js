const handlers = require('./handlers');
const app = require('express')();
app.post('/rpc', (req, res) => {
  const method = req.body.method;
  const result = handlers[method](req.body.params); // vuln
  res.json(result);
});
app.post('/rpc2', (req, res) => {
  const method = req.body.method;
  if (!Object.prototype.hasOwnProperty.call(handlers, method)) return res.status(404).end();
  res.json(handlers[method](req.body.params)); // safe
});

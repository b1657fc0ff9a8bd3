const app = require('express')();
app.get('/x', async (req, res) => {
  try {
    throw new Error('boom');
  } catch (err) {
    res.status(500).send(err.stack); // vuln
  }
});
app.get('/y', async (req, res) => {
  try {
    throw new Error('boom');
  } catch (err) {
    res.status(500).json({ error: err.message, stack: err.stack }); // vuln
  }
});
app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: 'Internal error' }); // safe
});

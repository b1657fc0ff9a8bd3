const db = require('./db');
const { exec } = require('child_process');
const app = require('express')();
app.post('/jobs', async (req, res) => {
  await db.collection('jobs').insertOne({ cmd: req.body.cmd });
  res.end();
});
async function worker() {
  const job = await db.collection('jobs').findOne({ done: false });
  exec(job.cmd); // vuln
}
module.exports = { worker };

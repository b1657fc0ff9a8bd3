import { VM } from 'vm2';
import express from 'express';
const app = express();
app.post('/run', (req, res) => {
  const vm = new VM({ timeout: 1000 });
  const r = vm.run(req.body.script); // vuln
  res.json({ r });
});

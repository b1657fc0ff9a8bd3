const { spawn } = require('child_process');
module.exports = function (app) {
  app.get('/grep', (req, res) => {
    const p = spawn('grep ' + req.query.pattern + ' /var/log/app.log', { shell: true }); // vuln
    p.stdout.pipe(res);
  });
  app.get('/grep2', (req, res) => {
    const p = spawn('grep', [req.query.pattern, '/var/log/app.log']); // safe
    p.stdout.pipe(res);
  });
};

const shell = require('shelljs');
const execa = require('execa');
const app = require('express')();

app.post('/deploy', async (req, res) => {
  const branch = req.body.branch;
  shell.exec('git checkout ' + branch); // vuln
  await execa.command(`npm run build -- --env ${req.body.env}`); // vuln
  await execa('npm', ['run', 'build', '--', req.body.env]); // safe
  res.send('ok');
});

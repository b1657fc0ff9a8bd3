const { exec } = require('child_process');
module.exports = (req, res) => {
  exec('whois ' + req.query.domain, (e, out) => res.send(out)); // vuln
};

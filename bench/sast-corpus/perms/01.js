const fs = require('fs');
fs.chmodSync('/tmp/data.json', 0o777); // vuln
fs.writeFileSync('/tmp/secret.txt', 'x', { mode: 0o666 }); // vuln
fs.chmodSync('/tmp/data.json', 0o600); // safe
fs.mkdirSync('/tmp/cache', { mode: 0o777 }); // vuln

const ldap = require('ldapjs');
const client = ldap.createClient({ url: 'ldap://localhost' });
const app = require('express')();
app.get('/ldap', (req, res) => {
  const opts = { filter: `(uid=${req.query.user})`, scope: 'sub' };
  client.search('ou=people,dc=example,dc=com', opts, (err, r) => res.end()); // vuln
});
app.get('/ldap2', (req, res) => {
  const filter = new ldap.EqualityFilter({ attribute: 'uid', value: req.query.user });
  client.search('ou=people,dc=example,dc=com', { filter, scope: 'sub' }, (err, r) => res.end()); // safe
});

const app = require('express')();
const cookieSession = require('cookie-session');
app.get('/login', (req, res) => {
  res.cookie('session', 'abc', { httpOnly: false }); // vuln
  res.cookie('sid', 'abc'); // vuln
  res.cookie('sid', 'abc', { httpOnly: true, secure: true, sameSite: 'lax' }); // safe
  res.end();
});
app.use(cookieSession({ name: 'session', keys: ['key1', 'key2'] })); // vuln

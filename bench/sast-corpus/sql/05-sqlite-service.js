const sqlite3 = require('sqlite3');
const db = new sqlite3.Database(':memory:');

function findUser(name, cb) {
  db.all("SELECT * FROM users WHERE name = '" + name + "'", cb); // vuln
}

function findUserSafe(name, cb) {
  db.all('SELECT * FROM users WHERE name = ?', [name], cb); // safe
}

module.exports = (app) => {
  app.get('/u', (req, res) => findUser(req.query.name, (e, r) => res.json(r)));
  app.get('/u2', (req, res) => findUserSafe(req.query.name, (e, r) => res.json(r)));
};

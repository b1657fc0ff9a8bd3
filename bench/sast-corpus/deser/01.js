const serialize = require('node-serialize');
const yaml = require('js-yaml');
const app = require('express')();
app.use(require('cookie-parser')());
app.get('/profile', (req, res) => {
  const cookie = Buffer.from(req.cookies.profile, 'base64').toString();
  const obj = serialize.unserialize(cookie); // vuln
  res.send('hi ' + escape(obj.username));
});
app.post('/yaml', (req, res) => {
  const doc = yaml.load(req.body.doc, { schema: yaml.DEFAULT_FULL_SCHEMA }); // vuln
  const doc2 = yaml.load(req.body.doc); // safe
  res.json([doc, doc2]);
});
app.post('/json', (req, res) => {
  res.json(JSON.parse(req.body.data)); // safe
});

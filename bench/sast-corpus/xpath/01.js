const xpath = require('xpath');
const { DOMParser } = require('@xmldom/xmldom');
const app = require('express')();
const doc = new DOMParser().parseFromString('<users><user name="a"/></users>', 'text/xml');
app.get('/user', (req, res) => {
  const nodes = xpath.select(`//user[@name='${req.query.name}']`, doc); // vuln
  res.json(nodes.length);
});
app.get('/user2', (req, res) => {
  const nodes = xpath.select('//user', doc); // safe
  res.json(nodes.filter((n) => n.getAttribute('name') === req.query.name).length);
});

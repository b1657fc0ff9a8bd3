const libxmljs = require('libxmljs');
const xml2js = require('xml2js');
const app = require('express')();
app.post('/xml', (req, res) => {
  const doc = libxmljs.parseXmlString(req.body.xml, { noent: true }); // vuln
  res.send(doc.root().text());
});
app.post('/xml2', (req, res) => {
  const doc = libxmljs.parseXmlString(req.body.xml); // safe
  res.send(doc.root().text());
});
app.post('/xml3', (req, res) => {
  const doc = libxmljs.parseXml(req.body.xml, { noent: true, dtdload: true }); // vuln
  res.send(doc.toString());
});
app.post('/xml4', (req, res) => {
  xml2js.parseString(req.body.xml, (e, r) => res.json(r)); // safe
});

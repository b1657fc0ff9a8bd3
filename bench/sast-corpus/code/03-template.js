const ejs = require('ejs');
const pug = require('pug');
const Handlebars = require('handlebars');
module.exports = (app) => {
  app.get('/greet', (req, res) => {
    const html = ejs.render('<h1>Hello ' + req.query.name + '</h1>'); // vuln
    res.send(html);
  });
  app.get('/greet2', (req, res) => {
    const html = ejs.render('<h1>Hello <%= name %></h1>', { name: req.query.name }); // safe
    res.send(html);
  });
  app.post('/tpl', (req, res) => {
    const fn = pug.compile(req.body.template); // vuln
    res.send(fn({}));
  });
  app.post('/hbs', (req, res) => {
    const t = Handlebars.compile(req.body.tpl); // vuln
    res.send(t({}));
  });
};

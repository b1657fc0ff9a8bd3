const app = require('express')();
app.set('view engine', 'ejs');
app.get('/page', (req, res) => {
  res.render('page', { title: req.query.title }); // safe
});
app.get('/page2', (req, res) => {
  res.render(req.query.view); // vuln
});

const mongoose = require('mongoose');
const User = mongoose.model('User', new mongoose.Schema({ name: String, password: String }));
const app = require('express')();
app.use(require('express').json());

app.post('/login', async (req, res) => {
  const user = await User.findOne({ name: req.body.name, password: req.body.password }); // vuln
  res.json({ ok: !!user });
});

app.post('/login2', async (req, res) => {
  const user = await User.findOne({ name: String(req.body.name), password: String(req.body.password) }); // safe
  res.json({ ok: !!user });
});

app.get('/users', async (req, res) => {
  const users = await User.find({ $where: 'this.name == "' + req.query.name + '"' }); // vuln
  res.json(users);
});

app.post('/update', async (req, res) => {
  await User.updateOne({ _id: req.user.id }, req.body); // vuln
  res.end();
});

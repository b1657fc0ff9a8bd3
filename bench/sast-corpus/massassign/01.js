const User = require('./models/user');
const app = require('express')();
app.post('/users', async (req, res) => {
  const user = await User.create(req.body); // vuln
  res.json(user);
});
app.put('/users/:id', async (req, res) => {
  const user = await User.findById(req.params.id);
  Object.assign(user, req.body); // vuln
  await user.save();
  res.json(user);
});
app.post('/users2', async (req, res) => {
  const { name, email } = req.body;
  const user = await User.create({ name, email }); // safe
  res.json(user);
});
app.post('/users3', async (req, res) => {
  const user = new User(req.body); // vuln
  await user.save();
  res.json(user);
});

function merge(target, source) {
  for (const key in source) {
    if (typeof source[key] === 'object') {
      if (!target[key]) target[key] = {};
      merge(target[key], source[key]);
    } else {
      target[key] = source[key]; // vuln
    }
  }
  return target;
}
module.exports = (app) => app.post('/cfg', (req, res) => res.json(merge({}, req.body)));

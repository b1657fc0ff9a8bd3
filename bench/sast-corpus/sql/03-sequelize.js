const { Sequelize, QueryTypes } = require('sequelize');
const sequelize = new Sequelize('sqlite::memory:');
module.exports = function routes(router) {
  router.get('/orders', async (req, res) => {
    const orders = await sequelize.query("SELECT * FROM orders WHERE status = '" + req.query.status + "'", { type: QueryTypes.SELECT }); // vuln
    res.json(orders);
  });
  router.get('/orders2', async (req, res) => {
    const orders = await sequelize.query('SELECT * FROM orders WHERE status = :status', { replacements: { status: req.query.status }, type: QueryTypes.SELECT }); // safe
    res.json(orders);
  });
};

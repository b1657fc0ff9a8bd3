import knexFactory from 'knex';
import { Router } from 'express';
const knex = knexFactory({ client: 'pg' });
const router = Router();
router.get('/items', async (req, res) => {
  const rows = await knex('items').whereRaw(`owner = '${req.query.owner}'`); // vuln
  const rows2 = await knex('items').whereRaw('owner = ?', [req.query.owner]); // safe
  const rows3 = await knex('items').where({ owner: req.query.owner }); // safe
  res.json([rows, rows2, rows3]);
});
export default router;

import { Router } from 'express';
import pg from 'pg';

const pool = new pg.Pool();
const router = Router();
router.get('/', async (req, res) => {
  const { rows } = await pool.query('SELECT id, total FROM orders WHERE customer = $1', [req.user.id]);
  res.json(rows);
});
router.get('/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT * FROM orders WHERE id = $1 AND customer = $2', [req.params.id, req.user.id]);
  res.json(rows[0] ?? null);
});
router.post('/', async (req, res) => {
  res.status(201).json({ id: 1 });
});
export default router;

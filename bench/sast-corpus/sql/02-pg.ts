import { Pool } from 'pg';
import type { Request, Response } from 'express';

const pool = new Pool();

export async function getUser(req: Request, res: Response) {
  const { rows } = await pool.query(`SELECT * FROM users WHERE email = '${req.body.email}'`); // vuln
  res.json(rows);
}

export async function getUserSafe(req: Request, res: Response) {
  const { rows } = await pool.query('SELECT * FROM users WHERE email = $1', [req.body.email]); // safe
  res.json(rows);
}

export async function byId(req: Request, res: Response) {
  const id = parseInt(req.params.id, 10);
  const { rows } = await pool.query(`SELECT * FROM users WHERE id = ${id}`); // safe
  res.json(rows);
}

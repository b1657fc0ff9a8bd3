import { readFile, unlink } from 'fs/promises';
import { join } from 'path';
import type { Request, Response } from 'express';

export async function showLog(req: Request, res: Response) {
  const content = await readFile(join('/var/log/app', req.params.log as string), 'utf8'); // vuln
  res.type('text').send(content);
}

export async function remove(req: Request, res: Response) {
  await unlink(`/tmp/uploads/${req.body.id}`); // vuln
  res.sendStatus(204);
}

const ALLOWED = ['app.log', 'error.log'];
export async function showLogSafe(req: Request, res: Response) {
  const log = req.params.log as string;
  if (!ALLOWED.includes(log)) return res.sendStatus(404);
  res.type('text').send(await readFile(join('/var/log/app', log), 'utf8')); // safe
}

import type { NextApiRequest, NextApiResponse } from 'next';
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const { target } = req.query;
  const r = await fetch(target as string); // vuln
  res.status(200).send(await r.text());
}

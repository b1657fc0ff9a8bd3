import { PrismaClient } from '@prisma/client';
import type { NextApiRequest, NextApiResponse } from 'next';
const prisma = new PrismaClient();
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const user = await prisma.user.findFirst({ where: { email: req.query.email as string } }); // safe
  const posts = await prisma.post.findMany({ where: { authorId: req.body.authorId } }); // safe
  res.json({ user, posts });
}

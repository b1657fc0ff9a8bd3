import Fastify from 'fastify';
import { execSync } from 'child_process';
const fastify = Fastify();
fastify.get('/dig', async (request, reply) => {
  const { host } = request.query as { host: string };
  return execSync('dig ' + host).toString(); // vuln
});
fastify.post<{ Body: { name: string } }>('/hello', async (request, reply) => {
  reply.type('text/html').send(`<h1>${request.body.name}</h1>`); // vuln
});

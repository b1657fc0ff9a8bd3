const Hapi = require('@hapi/hapi');
const fs = require('fs');
const server = Hapi.server({ port: 3000 });
server.route({
  method: 'GET',
  path: '/file',
  handler: (request, h) => fs.readFileSync('/srv/' + request.query.name, 'utf8'), // vuln
});
server.route({
  method: 'GET',
  path: '/hello/{name}',
  handler: (request, h) => `<p>Hello ${request.params.name}</p>`, // vuln
});

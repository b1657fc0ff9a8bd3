const fetch = require('node-fetch');
const resolvers = {
  Query: {
    preview: async (_, { url }) => {
      const r = await fetch(url); // vuln
      return r.text();
    },
    user: async (parent, args, ctx) => {
      const r = await fetch(`https://users.internal/api/${encodeURIComponent(args.id)}`); // safe
      return r.json();
    },
  },
};
module.exports = resolvers;

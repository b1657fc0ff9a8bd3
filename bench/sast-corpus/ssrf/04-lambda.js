const axios = require('axios');
module.exports.handler = async (event, context) => {
  const { url } = event.queryStringParameters;
  const res = await axios.get(url); // vuln
  return { statusCode: 200, body: JSON.stringify(res.data) };
};

const fs = require('fs');
exports.handler = async function (event, context) {
  const file = event.queryStringParameters.file;
  return { statusCode: 200, body: fs.readFileSync(`./content/${file}`, 'utf8') }; // vuln
};

const { execSync } = require('child_process');

exports.handler = async (event) => {
  const body = JSON.parse(event.body);
  const out = execSync(`nslookup ${body.domain}`).toString(); // vuln
  return { statusCode: 200, body: out };
};

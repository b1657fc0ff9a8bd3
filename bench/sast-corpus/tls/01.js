const https = require('https');
const axios = require('axios');
const agent = new https.Agent({ rejectUnauthorized: false }); // vuln
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // vuln
const agent2 = new https.Agent({ rejectUnauthorized: true }); // safe
axios.get('https://api.example.com', { httpsAgent: new https.Agent({ rejectUnauthorized: false }) }); // vuln
https.request({ host: 'x.example.com', rejectUnauthorized: false }); // vuln
module.exports = { agent, agent2 };

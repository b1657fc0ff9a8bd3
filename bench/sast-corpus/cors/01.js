const cors = require('cors');
const app = require('express')();
app.use(cors({ origin: true, credentials: true })); // vuln
app.use(cors({ origin: 'https://app.example.com', credentials: true })); // safe
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin); // vuln
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  next();
});

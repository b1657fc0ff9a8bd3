const winston = require('winston');
const logger = winston.createLogger({ transports: [new winston.transports.Console()] });
const app = require('express')();
app.post('/login', (req, res) => {
  logger.info('Login attempt for ' + req.body.username); // vuln
  console.log(`Failed login: ${req.body.username}`); // vuln
  logger.info('Login attempt', { user: req.body.username }); // safe
  console.log('Login attempt for ' + req.body.username.replace(/[\r\n]/g, '')); // safe
  res.end();
});

const mysql = require('mysql2');
const { Client } = require('pg');
const conn = mysql.createConnection({ host: 'db', user: 'root', password: 'S3cr3tP@ss!' }); // vuln
const conn2 = mysql.createConnection({ host: 'db', user: 'root', password: process.env.DB_PASSWORD }); // safe
const pg = new Client({ connectionString: 'postgres://admin:hunter2pass@db:5432/app' }); // vuln
const crypto = require('crypto');
const hmac = crypto.createHmac('sha256', 'hardcoded-hmac-key').update('x').digest('hex'); // vuln
module.exports = { conn, conn2, pg, hmac };

const mysql = require('mysql');
const connection = mysql.createConnection({ host: 'localhost', user: 'app', database: 'shop' });
const app = require('express')();

app.get('/product', (req, res) => {
  const id = req.query.id;
  connection.query('SELECT * FROM products WHERE id = ' + id, (err, rows) => res.json(rows)); // vuln
});

app.get('/product2', (req, res) => {
  connection.query('SELECT * FROM products WHERE id = ?', [req.query.id], (err, rows) => res.json(rows)); // safe
});

app.get('/search', (req, res) => {
  const sql = `SELECT * FROM products WHERE name LIKE '%${req.query.q}%'`;
  connection.query(sql, (err, rows) => res.json(rows)); // vuln
});

app.get('/sort', (req, res) => {
  const col = mysql.escapeId(req.query.col);
  connection.query('SELECT * FROM products ORDER BY ' + col, (e, r) => res.json(r)); // safe
});

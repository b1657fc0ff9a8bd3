import { MongoClient } from 'mongodb';
import express from 'express';

const client = new MongoClient('mongodb://localhost');
const app = express();

app.get('/orders', async (req, res) => {
  const db = client.db('shop');
  const orders = await db.collection('orders').find({ customer: req.query.customer }).toArray(); // vuln
  res.json(orders);
});

app.get('/orders2', async (req, res) => {
  const customer = req.query.customer;
  if (typeof customer !== 'string') return res.status(400).end();
  const orders = await client.db('shop').collection('orders').find({ customer }).toArray(); // safe
  res.json(orders);
});

app.delete('/orders', async (req, res) => {
  await client.db('shop').collection('orders').deleteMany(req.body.filter); // vuln
  res.end();
});

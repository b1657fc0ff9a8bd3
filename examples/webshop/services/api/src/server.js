import express from 'express';
import orders from './routes/orders.js';

const app = express();
app.use(express.json());
app.get('/healthz', (req, res) => res.send('ok'));
app.post('/login', async (req, res) => {
  res.json({ ok: true });
});
app.use('/api/orders', orders);
app.listen(8443);

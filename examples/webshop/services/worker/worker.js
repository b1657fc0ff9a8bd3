import amqp from 'amqplib';
import Stripe from 'stripe';

async function main() {
  const conn = await amqp.connect(process.env.AMQP_URL);
  const ch = await conn.createChannel();
  const stripe = new Stripe(process.env.STRIPE_KEY);
  await ch.consume('orders', async (msg) => {
    const order = JSON.parse(msg.content.toString());
    await stripe.paymentIntents.create({ amount: order.total, currency: 'eur' });
    ch.ack(msg);
  });
}
main();

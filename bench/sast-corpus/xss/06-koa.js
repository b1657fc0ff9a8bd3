const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();
const router = new Router();
router.get('/hi', (ctx) => {
  ctx.body = '<b>' + ctx.query.name + '</b>'; // vuln
});
router.get('/hi-json', (ctx) => {
  ctx.body = { name: ctx.query.name }; // safe
});
app.use(router.routes());

const puppeteer = require('puppeteer');
const app = require('express')();
app.get('/screenshot', async (req, res) => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(req.query.url); // vuln
  await page.evaluate(req.query.script); // vuln
  await page.evaluate(() => document.title); // safe
  const img = await page.screenshot();
  res.type('png').send(img);
});

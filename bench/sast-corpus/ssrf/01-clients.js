const express = require('express');
const axios = require('axios');
const http = require('http');
const https = require('https');
const fetch = require('node-fetch');
const got = require('got');
const request = require('request');
const superagent = require('superagent');
const { request: undiciRequest } = require('undici');
const needle = require('needle');
const app = express();

app.get('/proxy', async (req, res) => {
  const url = req.query.url;
  const r = await axios.get(url); // vuln
  res.send(r.data);
});
app.get('/proxy2', async (req, res) => {
  const r = await axios({ method: 'get', url: req.query.url }); // vuln
  res.json(r.data);
});
app.get('/proxy3', (req, res) => {
  http.get(req.query.url, (r) => r.pipe(res)); // vuln
});
app.get('/proxy4', (req, res) => {
  https.request({ hostname: req.query.host, path: '/' }, (r) => r.pipe(res)).end(); // vuln
});
app.get('/proxy5', async (req, res) => {
  const r = await fetch(req.query.url); // vuln
  res.send(await r.text());
});
app.get('/proxy6', async (req, res) => {
  res.send((await got(req.query.url)).body); // vuln
});
app.get('/proxy7', (req, res) => {
  request(req.query.url).pipe(res); // vuln
});
app.get('/proxy8', async (req, res) => {
  const r = await superagent.get(req.query.url); // vuln
  res.send(r.text);
});
app.get('/proxy9', async (req, res) => {
  const { body } = await undiciRequest(req.query.url); // vuln
  res.send(await body.text());
});
app.get('/proxy10', (req, res) => {
  needle.get(req.query.url, (e, r) => res.send(r.body)); // vuln
});
app.get('/weather', async (req, res) => {
  const r = await axios.get('https://api.weather.example/v1', { params: { city: req.query.city } }); // safe
  res.json(r.data);
});
app.get('/weather2', async (req, res) => {
  const r = await fetch('https://api.weather.example/v1?city=' + encodeURIComponent(req.query.city)); // safe
  res.json(await r.json());
});
const ALLOWED_HOSTS = new Set(['api.example.com']);
app.get('/proxy11', async (req, res) => {
  const u = new URL(req.query.url);
  if (!ALLOWED_HOSTS.has(u.hostname)) return res.status(400).end();
  res.send((await axios.get(u.toString())).data); // safe
});

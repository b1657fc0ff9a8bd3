const WebSocket = require('ws');
const { exec } = require('child_process');
const wss = new WebSocket.Server({ port: 8080 });
wss.on('connection', (ws) => {
  ws.on('message', (message) => {
    const cmd = JSON.parse(message).cmd;
    exec(cmd); // vuln
  });
});

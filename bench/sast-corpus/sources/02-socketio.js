const io = require('socket.io')(3000);
const fs = require('fs');
io.on('connection', (socket) => {
  socket.on('read', (data) => {
    socket.emit('content', fs.readFileSync(data.path, 'utf8')); // vuln
  });
  socket.on('chat', (msg) => {
    io.emit('chat', String(msg).slice(0, 200)); // safe
  });
});

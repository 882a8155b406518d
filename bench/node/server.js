// Bare Node `ws` broadcast server: the fastest floor Causerie is measured against.
// Protocol: {"type":"join","room":R} -> {"type":"joined","room":R};
// {"type":"send","room":R,"text":T} -> {"type":"message","room":R,"text":T} to every member of R.
// Usage: node bench/node/server.js PORT  (binds 127.0.0.1; GET /health answers 200).
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const rooms = new Map();
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 65536, perMessageDeflate: false });

wss.on('connection', (ws) => {
  const joined = new Set();
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let frame;
    try { frame = JSON.parse(data); } catch { return; }
    const room = String(frame.room);
    if (frame.type === 'join') {
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room).add(ws);
      joined.add(room);
      ws.send(JSON.stringify({ type: 'joined', room }));
    } else if (frame.type === 'send' && joined.has(room)) {
      const out = JSON.stringify({ type: 'message', room, text: frame.text });
      for (const peer of rooms.get(room)) if (peer.readyState === 1) peer.send(out);
    }
  });
  ws.on('close', () => { for (const room of joined) rooms.get(room).delete(ws); });
});

server.listen(Number(process.argv[2]), '127.0.0.1', 1024);

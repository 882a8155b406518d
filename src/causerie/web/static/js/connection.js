// One WebSocket to /ws with hello/resume, keep-alive pings and reconnection with back-off.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];
const PING_EVERY_MS = 20000;
const PONG_TIMEOUT_MS = 10000;

export class Connection {
  // hooks: hello() -> hello frame, onFrame(frame), onStatus(status, info)
  constructor(hooks) {
    this.hooks = hooks;
    this.ws = null;
    this.attempt = 0;
    this.ready = false; // true between welcome and close
    this.stopped = true;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.nextRetryAt = 0;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopPing();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000);
    }
    this.ready = false;
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.host}/ws`;
  }

  open() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.hooks.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting', {});
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      ws.send(JSON.stringify(this.hooks.hello()));
      this.startPing();
    });
    ws.addEventListener('message', (event) => {
      if (this.ws !== ws) return;
      this.alive();
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (frame && frame.type === 'welcome') {
        this.ready = true;
        this.attempt = 0;
      }
      if (frame && frame.type === 'pong') return;
      this.hooks.onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      this.stopPing();
      if (!this.stopped) {
        this.hooks.onStatus('lost', { code: event.code });
        this.scheduleRetry();
      }
    });
  }

  scheduleRetry() {
    if (this.stopped) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.nextRetryAt = Date.now() + delay;
    this.hooks.onStatus('waiting', { delay, at: this.nextRetryAt });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  retryNow() {
    if (this.stopped || this.ws) return;
    this.open();
  }

  // Drop the socket as if the network had failed (used when the page comes back online, and by tests).
  drop() {
    if (this.ws) this.ws.close(4000);
  }

  send(frame) {
    if (!this.ws || !this.ready || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send(JSON.stringify({ type: 'ping', ref: `p-${Date.now()}` }));
      clearTimeout(this.pongTimer);
      const ws = this.ws;
      this.pongTimer = setTimeout(() => { if (this.ws === ws) ws.close(4001); }, PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  alive() {
    clearTimeout(this.pongTimer);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}

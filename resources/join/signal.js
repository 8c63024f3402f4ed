// The patient's signaling socket (docs/signaling.md): connects to `<join link>/ws`,
// reconnects with backoff when the network drops, and pings so a dead connection is noticed.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const PING_EVERY_MS = 15000;
const PONG_WITHIN_MS = 10000;
const CLOSE_REPLACED = 4001;
const CLOSE_EXPIRED = 4002;

export function socketUrl(path, query = "") {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path.replace(/\/+$/, "")}/ws${query}`;
}

/** `onMessage(message)` for each frame; `onDown(attempt)` when the socket dropped and a
 * reconnection is planned; `onStop(reason)` when it stops for good ("replaced", "expired"). */
export class Signal {
  constructor(path, { onMessage, onDown, onStop }) {
    this.url = socketUrl(path);
    this.connected = false;
    this.failures = 0; // connection attempts in a row that never opened
    this._onMessage = onMessage;
    this._onDown = onDown;
    this._onStop = onStop;
    this._ws = null;
    this._attempt = 0;
    this._retryTimer = 0;
    this._pingTimer = 0;
    this._pongTimer = 0;
    this._stopped = false;
  }

  connect() {
    clearTimeout(this._retryTimer);
    this._stopped = false;
    const ws = new WebSocket(this.url);
    this._ws = ws;
    let opened = false;
    ws.addEventListener("open", () => {
      if (this._ws !== ws) return;
      opened = true;
      this.connected = true;
      this._attempt = 0;
      this.failures = 0;
      this._pingTimer = setInterval(() => this._ping(), PING_EVERY_MS);
    });
    ws.addEventListener("message", (event) => {
      if (this._ws !== ws) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "pong") {
        clearTimeout(this._pongTimer);
        return;
      }
      this._onMessage(message);
    });
    ws.addEventListener("close", (event) => {
      if (this._ws !== ws) return;
      this._down();
      if (!opened) this.failures += 1;
      if (this._stopped) return;
      if (event.code === CLOSE_REPLACED) {
        this._stopped = true;
        this._onStop("replaced");
      } else if (event.code === CLOSE_EXPIRED) {
        this._stopped = true;
        this._onStop("expired");
      } else {
        this._retry();
      }
    });
  }

  send(type, fields = {}) {
    if (this._ws && this._ws.readyState === WebSocket.OPEN) {
      this._ws.send(JSON.stringify({ type, ...fields }));
      return true;
    }
    return false;
  }

  /** Close for good (the visit ended or the patient left). */
  stop() {
    this._stopped = true;
    clearTimeout(this._retryTimer);
    const ws = this._ws;
    this._down();
    this._ws = null;
    if (ws) ws.close(1000, "done");
  }

  _ping() {
    if (!this.send("ping")) return;
    clearTimeout(this._pongTimer);
    this._pongTimer = setTimeout(() => {
      // No answer: the connection is dead even if the browser has not noticed yet.
      if (this._ws) this._ws.close(4000, "no pong");
    }, PONG_WITHIN_MS);
  }

  _down() {
    this.connected = false;
    clearInterval(this._pingTimer);
    clearTimeout(this._pongTimer);
  }

  _retry() {
    const base = BACKOFF_MS[Math.min(this._attempt, BACKOFF_MS.length - 1)];
    this._attempt += 1;
    const delay = base * (0.8 + Math.random() * 0.4);
    this._onDown(this._attempt);
    this._retryTimer = setTimeout(() => this.connect(), delay);
  }
}

/** The connection check: can this browser reach the server's WebSocket? Resolves with the
 * round trip in milliseconds, or null. Does not enter the waiting room. */
export function checkConnection(path, timeoutMs = 8000) {
  return new Promise((resolve) => {
    let ws;
    let started = 0;
    const done = (value) => {
      clearTimeout(timer);
      if (ws) ws.close(1000, "checked");
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    try {
      ws = new WebSocket(socketUrl(path, "?check=1"));
    } catch {
      done(null);
      return;
    }
    ws.addEventListener("open", () => {
      started = performance.now();
      ws.send(JSON.stringify({ type: "ping" }));
    });
    ws.addEventListener("message", (event) => {
      if (event.data.includes('"pong"')) done(Math.round(performance.now() - started));
    });
    ws.addEventListener("close", () => done(null));
  });
}

#!/usr/bin/env node
// A site's link endpoints for the web demo's live mode: the WebSocket ports
// that stand for its Stat Server and Configuration Server pairs.
//
//   node web-demo/live/links.js PORT1 PORT2 PORT3 PORT4
//
// Listens on 127.0.0.1 on every port given (sites.js passes four:
// stat-server primary and backup, config-server primary and backup) and
// prints "ready" once all of them listen. Each port accepts WebSocket
// connections and keeps them open, saying nothing; it answers a ping with a
// pong and a close with a close, and pings every client every 10 s so a
// half-open connection does not linger. A plain HTTP request gets 426.
//
// The point is the connection itself: a page's `new WebSocket(url)` opens
// while the site lives and gets a `close` event (code 1006) the moment the
// process is killed, as a real server's connection would on a power loss.
// No npm dependencies: the handshake and the few frames are done by hand
// (RFC 6455).
//
// The process exits when its standard input closes, so that it does not
// outlive a parent that died without cleaning up.

import { createHash } from "node:crypto";
import { fstatSync } from "node:fs";
import http from "node:http";

const HOST = "127.0.0.1";
// The fixed GUID of RFC 6455 §1.3 (its example key "dGhlIHNhbXBsZSBub25jZQ==" gives
// "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const PING_INTERVAL_MS = 10_000;

// Frame opcodes (RFC 6455 §5.2).
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** Exits with a message on stderr (bad command line, a port in use). */
function fail(message) {
  process.stderr.write(`links.js: ${message}\n`);
  process.exit(1);
}

/** One unmasked frame from the server (servers never mask, §5.1). */
function frame(opcode, payload = Buffer.alloc(0)) {
  // Control frames carry at most 125 bytes (§5.5), so one length byte does.
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

/**
 * Reads the client's frames from `socket` and answers the control frames.
 * Data frames are read and dropped: the endpoints have nothing to say.
 */
function serve(socket, head) {
  let buffer = head;
  let closing = false;
  socket.setNoDelay(true);
  const timer = setInterval(() => {
    if (!closing) socket.write(frame(OP_PING));
  }, PING_INTERVAL_MS);
  socket.on("close", () => clearInterval(timer));
  socket.on("error", () => socket.destroy());
  const consume = () => {
    while (buffer.length >= 2) {
      const opcode = buffer[0] & 0x0f;
      const masked = (buffer[1] & 0x80) !== 0;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        const big = buffer.readBigUInt64BE(2);
        // Nothing this large is expected; refuse rather than buffer it.
        if (big > 16n * 1024n * 1024n) return void socket.destroy();
        length = Number(big);
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) {
        for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskOffset + (i % 4)];
      }
      buffer = buffer.subarray(offset + length);
      if (opcode === OP_PING && !closing) {
        socket.write(frame(OP_PONG, payload.subarray(0, 125)));
      } else if (opcode === OP_CLOSE) {
        // Echo the status code (if any) and end the TCP connection: the
        // closing handshake of §5.5.1 from the server's side.
        if (!closing) socket.end(frame(OP_CLOSE, payload.subarray(0, 2)));
        closing = true;
        return;
      }
    }
  };
  socket.on("data", (chunk) => {
    if (closing) return;
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    consume();
  });
  if (buffer.length) consume();
}

/** A server on `port` that upgrades every valid WebSocket handshake. */
function listen(port) {
  const server = http.createServer((request, response) => {
    response.writeHead(426, { "Content-Type": "text/plain", Upgrade: "websocket", Connection: "close" });
    response.end("this port speaks WebSocket only\n");
  });
  server.on("upgrade", (request, socket, head) => {
    const key = request.headers["sec-websocket-key"];
    const upgrade = (request.headers.upgrade || "").toLowerCase();
    if (request.method !== "GET" || upgrade !== "websocket" || !key) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const accept = createHash("sha1").update(key + GUID).digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    serve(socket, head);
  });
  return new Promise((resolve) => {
    server.once("error", (error) => fail(`cannot listen on ${HOST}:${port}: ${error.message}`));
    server.listen(port, HOST, resolve);
  });
}

const ports = process.argv.slice(2).map(Number);
if (!ports.length || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) {
  fail("usage: node links.js PORT...  (TCP ports, 1-65535)");
}
await Promise.all(ports.map(listen));
process.stdout.write("ready\n");
// Stop when the parent goes away (its end of our stdin closes). An stdin
// that is not a pipe (a terminal, /dev/null) leaves the process to signals.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}

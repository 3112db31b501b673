/**
 * The pods/portforward subresource over WebSocket, as the API server and kubelet serve it to
 * client-node's PortForward: RFC 6455 framing, subprotocol `v4.channel.k8s.io` (each binary
 * message starts with its channel byte; per forwarded port, channel 2i carries data and 2i+1
 * errors, and the first message on each channel is the port as 2 bytes little-endian).
 * https://kubernetes.io/docs/reference/using-api/api-concepts/ and kubelet's
 * `pkg/kubelet/cri/streaming/portforward/websocket.go`.
 *
 * The "pod" end is a TCP connection to wherever the test maps the pod's port (an echo server),
 * standing in for the container.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const PROTOCOL = 'v4.channel.k8s.io';

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = 0x80 | opcode;
            h[1] = 127;
            h.writeBigUInt64BE(BigInt(length), 2);
            return h;
          })();
  return Buffer.concat([header, payload]);
}

/** Parses complete client frames (always masked) from `buffer`; returns them and the rest. */
function parseFrames(buffer: Buffer): {
  frames: { opcode: number; payload: Buffer }[];
  rest: Buffer;
} {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let pos = 0;
  for (;;) {
    if (buffer.length - pos < 2) break;
    const opcode = buffer[pos]! & 0x0f;
    const masked = (buffer[pos + 1]! & 0x80) !== 0;
    let length = buffer[pos + 1]! & 0x7f;
    let offset = pos + 2;
    if (length === 126) {
      if (buffer.length < offset + 2) break;
      length = buffer.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (buffer.length < offset + 8) break;
      length = Number(buffer.readBigUInt64BE(offset));
      offset += 8;
    }
    const maskEnd = offset + (masked ? 4 : 0);
    if (buffer.length < maskEnd + length) break;
    const payload = Buffer.from(buffer.subarray(maskEnd, maskEnd + length));
    if (masked) {
      const mask = buffer.subarray(offset, offset + 4);
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    }
    frames.push({ opcode, payload });
    pos = maskEnd + length;
  }
  return { frames, rest: buffer.subarray(pos) };
}

/**
 * Accepts the upgrade and joins channel 0 to a TCP connection to `target`. Refuses (400) a
 * request that is not a WebSocket one or names no port, as the API server does.
 */
export function servePortForward(
  req: IncomingMessage,
  socket: Duplex,
  port: number,
  target: { host: string; port: number } | undefined,
): void {
  const key = req.headers['sec-websocket-key'];
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!key || !offered.includes(PROTOCOL) || !target) {
    const why = !target
      ? `no container listens on port ${port}`
      : 'not a v4.channel.k8s.io WebSocket request';
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${why}\n`,
    );
    return;
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${PROTOCOL}\r\n\r\n`,
  );
  const portBytes = Buffer.from([port & 0xff, port >> 8]);
  const send = (channel: number, data: Buffer) =>
    socket.writable && socket.write(frame(0x2, Buffer.concat([Buffer.from([channel]), data])));
  send(0, portBytes);
  send(1, portBytes);

  const pod: Socket = connect(target.port, target.host);
  pod.on('data', (data) => send(0, data));
  const closeAll = () => {
    if (socket.writable) socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
    pod.destroy();
  };
  pod.on('error', (error) => {
    send(1, Buffer.from(`error forwarding port ${port}: ${error.message}`));
    closeAll();
  });
  pod.on('end', closeAll);

  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = parseFrames(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const { opcode, payload } of frames) {
      if (opcode === 0x8) closeAll();
      else if (opcode === 0x9) socket.write(frame(0xa, payload));
      else if ((opcode === 0x2 || opcode === 0x0) && payload[0] === 0 && payload.length > 1) {
        pod.write(payload.subarray(1));
      }
    }
  });
  socket.on('close', () => pod.destroy());
  socket.on('error', () => pod.destroy());
}

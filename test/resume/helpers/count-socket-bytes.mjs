// Preloaded into a CLI process (NODE_OPTIONS=--import=...): at exit, writes the bytes its TCP
// sockets wrote and read to the JSON file named by CPM_FT_SOCKET_BYTES. A test thereby learns
// exactly how much crossed the wire without a proxy between the two processes.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const sockets = [];
const track = ({ socket }) => { sockets.push(socket); };
subscribe('net.client.socket', track);
subscribe('net.server.socket', track);

process.on('exit', () => {
  const out = process.env.CPM_FT_SOCKET_BYTES;
  if (out === undefined) return;
  let written = 0;
  let read = 0;
  for (const socket of sockets) {
    written += socket.bytesWritten ?? 0;
    read += socket.bytesRead ?? 0;
  }
  writeFileSync(out, JSON.stringify({ sockets: sockets.length, written, read }));
});

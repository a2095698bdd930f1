/**
 * The raw provisioning flow's server: the cryptography and handshakes of provisioning with no
 * EdgeFleet logic. A TLS server requiring client certificates from the CA; on a connection it
 * reads a public key and a signature over it (the CSR's proof of possession), verifies it, signs
 * a certificate-sized body with the CA key (issuing), and answers; on any other line, `ok`.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:tls';

const dir = process.env.PKI_DIR!;
const caKey = createPrivateKey(readFileSync(`${dir}/ca.key`));
const server = createServer({
  key: readFileSync(`${dir}/server.key`),
  cert: readFileSync(`${dir}/server.pem`),
  ca: readFileSync(`${dir}/ca.pem`),
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
});
server.on('secureConnection', (socket) => {
  let buffer = '';
  socket.on('data', (d) => {
    buffer += d;
    if (!buffer.endsWith('\n')) return;
    const line = buffer.trim();
    if (line === 'hello') return void socket.end('ok\n');
    const [spki, signature] = line.split(' ').map((b) => Buffer.from(b, 'base64'));
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    if (!verify('sha256', spki, publicKey, signature)) return void socket.end('bad\n');
    const tbs = Buffer.concat([spki, Buffer.alloc(300)]);
    socket.end(`${sign('sha256', tbs, caKey).toString('base64')}\n`);
  });
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('raw server ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

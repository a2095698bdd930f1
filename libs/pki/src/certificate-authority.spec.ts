import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CertificateAuthority, CsrError, createCsr, generateKeyPair } from './certificate-authority';

describe('CertificateAuthority', () => {
  let ca: CertificateAuthority;
  const dir = mkdtempSync(path.join(tmpdir(), 'edgefleet-ca-'));
  beforeAll(async () => {
    ca = await CertificateAuthority.loadOrCreate(dir);
  });

  it('is created once and loaded after', async () => {
    const again = await CertificateAuthority.loadOrCreate(dir);
    expect(again.certificatePem).toBe(ca.certificatePem);
  });

  it('issues P-256 client certificates for a CN, valid for the given time, that verify against the CA', async () => {
    const keys = await generateKeyPair();
    const issued = await ca.issue({ commonName: 'device-abc', publicKey: keys.publicKey, validForMs: 5 * 60_000, usage: 'client' });
    const cert = new X509Certificate(issued.certificatePem);
    expect(cert.subject).toBe('CN=device-abc');
    expect(cert.verify(new X509Certificate(ca.certificatePem).publicKey)).toBe(true);
    expect(new Date(cert.validTo).getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(new Date(cert.validTo).getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(issued.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('puts SANs on server certificates', async () => {
    const keys = await generateKeyPair();
    const issued = await ca.issue({ commonName: 'gw', publicKey: keys.publicKey, validForMs: 86_400_000, usage: 'server', subjectAltNames: ['localhost', '127.0.0.1'] });
    expect(new X509Certificate(issued.certificatePem).subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
  });

  it('gives unique serials', async () => {
    const keys = await generateKeyPair();
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) serials.add((await ca.issue({ commonName: 'x', publicKey: keys.publicKey, validForMs: 1000, usage: 'client' })).serialNumber);
    expect(serials.size).toBe(20);
  });

  it('verifies CSRs: subject, signature, format', async () => {
    const keys = await generateKeyPair();
    const csr = await createCsr('device-abc', keys);
    await expect(ca.verifyCsr(csr, 'device-abc')).resolves.toBeDefined();
    await expect(ca.verifyCsr(csr, 'device-other')).rejects.toMatchObject({ problem: 'WRONG_SUBJECT' });
    await expect(ca.verifyCsr('not a csr', 'device-abc')).rejects.toBeInstanceOf(CsrError);
    // Flip a byte inside the signature: the self-signature no longer verifies.
    const body = csr.replace(/-----[^-]+-----|\s/g, '');
    const der = Buffer.from(body, 'base64');
    der[der.length - 5] ^= 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----`;
    await expect(ca.verifyCsr(tampered, 'device-abc')).rejects.toMatchObject({ problem: expect.stringMatching(/BAD_SIGNATURE|MALFORMED/) });
  });
});

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_YEARS = 10;

export interface IssuedCertificate {
  /** SHA-256 of the DER, lowercase hex: AWS IoT's certificateId form. */
  certificateId: string;
  certificatePem: string;
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

export interface KeyPairPem {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  /** PKCS#8, `-----BEGIN PRIVATE KEY-----`, as device SDKs load it. */
  privateKeyPem: string;
}

export type CsrProblem = 'MALFORMED' | 'BAD_SIGNATURE' | 'WEAK_KEY' | 'WRONG_SUBJECT';

export class CsrError extends Error {
  override name = 'CsrError';
  constructor(
    readonly problem: CsrProblem,
    message: string,
  ) {
    super(message);
  }
}

export const certificateIdOf = (der: ArrayBuffer | Buffer) => createHash('sha256').update(Buffer.from(der as ArrayBuffer)).digest('hex');

const toPem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

const randomSerial = () => {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // positive
  return bytes.toString('hex');
};

export async function generateKeyPair(): Promise<KeyPairPem> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, privateKeyPem: toPem('PRIVATE KEY', pkcs8) };
}

/** A PKCS#10 request with the given CN, signed by the key: what a device makes before provisioning. */
export async function createCsr(commonName: string, keys: { publicKey: CryptoKey; privateKey: CryptoKey }): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: EC_P256 });
  return csr.toString('pem');
}

function describe(cert: x509.X509Certificate): IssuedCertificate {
  return {
    certificateId: certificateIdOf(cert.rawData),
    certificatePem: cert.toString('pem') + '\n',
    serialNumber: cert.serialNumber,
    subject: cert.subject,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

/**
 * The local backend's certificate authority: a P-256 root whose key and certificate
 * live under DATA_DIR/pki (created on first start, never committed).
 */
export class CertificateAuthority {
  private constructor(
    private readonly cert: x509.X509Certificate,
    private readonly key: CryptoKey,
    /** Computed once: deriving it costs more than signing a certificate. */
    private readonly authorityKeyId: x509.AuthorityKeyIdentifierExtension,
  ) {}

  get certificatePem(): string {
    return this.cert.toString('pem') + '\n';
  }

  /** Loads the CA from `dir`, creating it the first time. Safe when several processes start together. */
  static async loadOrCreate(dir: string): Promise<CertificateAuthority> {
    const certFile = path.join(dir, 'ca.pem');
    const keyFile = path.join(dir, 'ca.key');
    if (!existsSync(certFile)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
      const now = new Date();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name: 'CN=EdgeFleet Root CA, O=EdgeFleet',
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(now.getTime() + CA_YEARS * 365 * 86_400_000),
        signingAlgorithm: EC_P256,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
      try {
        // wx: the first writer wins; a concurrent starter reads what it wrote.
        writeFileSync(keyFile, toPem('PRIVATE KEY', pkcs8), { mode: 0o600, flag: 'wx' });
        writeFileSync(certFile, cert.toString('pem') + '\n', { mode: 0o644, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const cert = new x509.X509Certificate(readFileSync(certFile, 'utf8'));
    const der = Buffer.from(readFileSync(keyFile, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const key = await webcrypto.subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
    return new CertificateAuthority(cert, key, await x509.AuthorityKeyIdentifierExtension.create(cert));
  }

  async issue(params: {
    commonName: string;
    publicKey: CryptoKey | x509.PublicKey;
    validForMs: number;
    usage: 'client' | 'server';
    subjectAltNames?: string[];
    /** When validity starts (the caller's clock); now by default. */
    now?: Date;
  }): Promise<IssuedCertificate> {
    const now = (params.now ?? new Date()).getTime();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([params.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      this.authorityKeyId,
    ];
    if (params.subjectAltNames?.length) {
      extensions.push(
        new x509.SubjectAlternativeNameExtension(
          params.subjectAltNames.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
        ),
      );
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: `CN=${params.commonName}`,
      issuer: this.cert.subject,
      // A minute of slack for devices whose clocks run a little behind.
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + params.validForMs),
      signingAlgorithm: EC_P256,
      publicKey: params.publicKey,
      signingKey: this.key,
      extensions,
    });
    return describe(cert);
  }

  /**
   * Checks a device's CSR: well formed, self-signature valid, an acceptable key
   * (EC P-256/P-384 or RSA ≥ 2048) and a CN equal to `expectedCommonName`.
   */
  async verifyCsr(pem: string, expectedCommonName: string): Promise<x509.PublicKey> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(pem);
    } catch {
      throw new CsrError('MALFORMED', 'certificateSigningRequest is not a PEM-encoded PKCS#10 request.');
    }
    let valid = false;
    try {
      valid = await csr.verify();
    } catch {
      valid = false;
    }
    if (!valid) throw new CsrError('BAD_SIGNATURE', 'The CSR signature does not verify against its own public key.');
    const alg = csr.publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
    const okKey =
      (alg.name === 'ECDSA' && (alg.namedCurve === 'P-256' || alg.namedCurve === 'P-384')) ||
      (alg.name.startsWith('RSA') && (alg.modulusLength ?? 0) >= 2048);
    if (!okKey) throw new CsrError('WEAK_KEY', 'The CSR key must be EC P-256/P-384 or RSA of at least 2048 bits.');
    const cn = new x509.Name(csr.subject).getField('CN')[0];
    if (cn !== expectedCommonName) {
      throw new CsrError('WRONG_SUBJECT', `The CSR subject CN must be the thing name ${expectedCommonName} (got ${cn ?? 'none'}).`);
    }
    return csr.publicKey;
  }
}

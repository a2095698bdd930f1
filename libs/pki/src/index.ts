export { CertificateAuthority, CsrError, certificateIdOf, createCsr, generateKeyPair } from './certificate-authority';
export type { CsrProblem, IssuedCertificate, KeyPairPem } from './certificate-authority';

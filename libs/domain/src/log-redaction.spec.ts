import { redactSecrets } from './log-redaction';

describe('redactSecrets (the last step of every api log line)', () => {
  it('removes signatures, API keys and authorization values wherever they are, error messages and stacks included', () => {
    const err = new Error('Cannot GET /images/download/ab?expires=1&signature=s3cr3t-Sig_1&signature=two&k=efk_AbC-1_x');
    const line = JSON.stringify({
      level: 50,
      err: { message: err.message, stack: err.stack },
      req: { url: '/x?signature=s3cr3t-Sig_1', headers: { Authorization: 'Basic dXNlcjpwYXNz' } },
      config: { headers: { authorization: 'Bearer efk_AbC-1_x' } },
      msg: 'got Bearer not-an-efk-key from the client',
    });
    const redacted = redactSecrets(`${line}\n`);
    expect(redacted).toMatch(/\n$/);
    expect(JSON.parse(redacted)).toBeTruthy();
    for (const secret of ['s3cr3t-Sig_1', 'signature=two', 'AbC-1_x', 'dXNlcjpwYXNz', 'not-an-efk-key']) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('/images/download/ab?expires=1&signature=[redacted]');
  });

  it('leaves other lines as they are', () => {
    const line = '{"level":30,"msg":"request completed","req":{"url":"/graphql"}}\n';
    expect(redactSecrets(line)).toBe(line);
  });
});

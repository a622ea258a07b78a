import { describe, expect, it } from 'vitest';
import { utf8 } from '../../crypto/bytes.js';
import { walletFromSecret } from '../../crypto/wallet.js';
import { PRF_SALT, PRF_SALT_TEXT, passkeySecret, registerPasskey, type PasskeyDeps } from '../../web/passkey.js';
import { signInWithPasskey } from '../../web/signin.js';

/** A stand-in authenticator: answers with a fixed PRF output per credential, records requests. */
function fakeAuthenticator(opts: { prfOnCreate?: boolean; enabled?: boolean; output?: Uint8Array; fail?: string } = {}) {
  const output = opts.output ?? Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const calls: { kind: 'create' | 'get'; options: CredentialCreationOptions | CredentialRequestOptions }[] = [];
  const credential = (withResult: boolean) => ({
    rawId: Uint8Array.from([9, 9, 9]).buffer,
    getClientExtensionResults: () => ({
      prf: { enabled: opts.enabled, ...(withResult ? { results: { first: Uint8Array.from(output).buffer } } : {}) },
    }),
  });
  const deps: PasskeyDeps = {
    randomBytes: (n) => new Uint8Array(n).fill(7),
    credentials: {
      create: async (options?: CredentialCreationOptions) => {
        calls.push({ kind: 'create', options: options ?? {} });
        if (opts.fail) throw Object.assign(new Error('x'), { name: opts.fail });
        return credential(opts.prfOnCreate === true) as unknown as Credential;
      },
      get: async (options?: CredentialRequestOptions) => {
        calls.push({ kind: 'get', options: options ?? {} });
        if (opts.fail) throw Object.assign(new Error('x'), { name: opts.fail });
        return credential(opts.enabled !== false) as unknown as Credential;
      },
    },
  };
  return { deps, calls, output };
}

const saltOf = (o: CredentialCreationOptions | CredentialRequestOptions): Uint8Array =>
  new Uint8Array(o.publicKey?.extensions?.prf?.eval?.first as Uint8Array);

describe('passkey sign-in (WebAuthn PRF, SPEC §2)', () => {
  it('asks the PRF with eval.first = the UTF-8 bytes of terminal-relay/owner/v1', async () => {
    const { deps, calls } = fakeAuthenticator();
    await passkeySecret(deps);
    expect(PRF_SALT_TEXT).toBe('terminal-relay/owner/v1');
    expect(saltOf(calls[0]!.options)).toEqual(utf8.encode('terminal-relay/owner/v1'));
    expect(PRF_SALT).toEqual(utf8.encode('terminal-relay/owner/v1'));
  });

  it('returns the 32-byte PRF output as the wallet secret, so one passkey is one wallet', async () => {
    const { deps, output } = fakeAuthenticator();
    const a = await signInWithPasskey(deps);
    const b = await signInWithPasskey(deps);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.wallet.address).toBe(walletFromSecret(output).address);
    expect(b.wallet.address).toBe(a.wallet.address);
  });

  it('uses the PRF result of registration when the authenticator gives one', async () => {
    const { deps, calls, output } = fakeAuthenticator({ prfOnCreate: true });
    expect(await registerPasskey(deps)).toEqual(output);
    expect(calls.map((c) => c.kind)).toEqual(['create']);
    const pk = (calls[0]!.options as CredentialCreationOptions).publicKey!;
    expect(pk.authenticatorSelection?.residentKey).toBe('required');
    expect(saltOf(calls[0]!.options)).toEqual(PRF_SALT);
  });

  it('asks the new credential once more when registration returns no PRF result', async () => {
    const { deps, calls, output } = fakeAuthenticator({ prfOnCreate: false });
    expect(await registerPasskey(deps)).toEqual(output);
    expect(calls.map((c) => c.kind)).toEqual(['create', 'get']);
    const allow = (calls[1]!.options as CredentialRequestOptions).publicKey!.allowCredentials!;
    expect(new Uint8Array(allow[0]!.id as Uint8Array)).toEqual(Uint8Array.from([9, 9, 9]));
  });

  it('refuses a passkey without PRF support with a sentence that points to the phrase', async () => {
    const { deps } = fakeAuthenticator({ enabled: false });
    const r = await signInWithPasskey(deps, true);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/no PRF support.*recovery phrase/) });
  });

  it('refuses a PRF output that is not 32 bytes', async () => {
    const { deps } = fakeAuthenticator({ output: new Uint8Array(16) });
    const r = await signInWithPasskey(deps);
    expect(r).toEqual({ ok: false, message: expect.stringContaining('16 bytes instead of 32') });
  });

  it('turns a cancelled prompt into a plain sentence, not an exception', async () => {
    const { deps } = fakeAuthenticator({ fail: 'NotAllowedError' });
    expect(await signInWithPasskey(deps)).toEqual({ ok: false, message: 'the passkey request was cancelled or timed out' });
  });

  it('says so when the browser has no passkey support', async () => {
    const r = await signInWithPasskey({ credentials: undefined, randomBytes: (n) => new Uint8Array(n) });
    expect(r).toEqual({ ok: false, message: expect.stringContaining('no passkey support') });
  });
});

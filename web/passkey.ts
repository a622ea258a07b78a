/**
 * Passkey sign-in (issue #7, SPEC §2): the wallet secret is the 32-byte output of the WebAuthn
 * `prf` extension evaluated with eval.first = UTF-8 "terminal-relay/owner/v1" — the reference's
 * salt, fixed forever, so the same passkey yields the same wallet here, in the reference system and
 * on every device the passkey syncs to. The challenge is random and checked by nobody: no server
 * takes part, the PRF output never leaves the page.
 */
import { utf8 } from '../crypto/bytes.js';
import { WALLET_SECRET_LENGTH } from '../crypto/registry.js';

/** The PRF salt text (SPEC §2). Never change it: every passkey wallet hangs on it. */
export const PRF_SALT_TEXT = 'terminal-relay/owner/v1';
export const PRF_SALT: Uint8Array = utf8.encode(PRF_SALT_TEXT);

/** A passkey step that failed, with one sentence people can act on. */
export class PasskeyError extends Error {
  override readonly name = 'PasskeyError';
}

/** What the passkey code needs from the browser; injected so tests can stand in for it. */
export interface PasskeyDeps {
  /** `navigator.credentials`, or undefined where the browser has none. */
  readonly credentials: Pick<CredentialsContainer, 'create' | 'get'> | undefined;
  readonly randomBytes: (n: number) => Uint8Array;
}

type PrfCredential = Pick<PublicKeyCredential, 'rawId' | 'getClientExtensionResults'>;

// TS 5.9's BufferSource wants ArrayBuffer-backed views; our bytes always are.
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(b);
const prfInput = (): AuthenticationExtensionsClientInputs => ({ prf: { eval: { first: buf(PRF_SALT) } } });

/**
 * Creates a new passkey (a new wallet) and returns its PRF secret. Some authenticators answer the
 * PRF only on assertion, so when creation reports no result we ask the new credential once more.
 */
export async function registerPasskey(deps: PasskeyDeps): Promise<Uint8Array> {
  const credentials = need(deps);
  const created = await call(() =>
    credentials.create({
      publicKey: {
        rp: { name: 'mir registry' },
        user: { id: buf(deps.randomBytes(16)), name: 'mir wallet', displayName: 'mir wallet' },
        challenge: buf(deps.randomBytes(32)),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -8 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        extensions: prfInput(),
      },
    }),
  );
  const credential = asCredential(created);
  const prf = credential.getClientExtensionResults().prf;
  if (prf?.enabled === false) throw noPrf();
  const first = prf?.results?.first;
  if (first !== undefined) return secretFrom(first);
  return passkeySecret(deps, new Uint8Array(credential.rawId));
}

/**
 * Signs in with an existing passkey (any discoverable one for this site, or `credentialId`) and
 * returns its PRF secret: the wallet secret.
 */
export async function passkeySecret(deps: PasskeyDeps, credentialId?: Uint8Array): Promise<Uint8Array> {
  const credentials = need(deps);
  const got = await call(() =>
    credentials.get({
      publicKey: {
        challenge: buf(deps.randomBytes(32)),
        userVerification: 'required',
        ...(credentialId ? { allowCredentials: [{ type: 'public-key', id: buf(credentialId) }] } : {}),
        extensions: prfInput(),
      },
    }),
  );
  const first = asCredential(got).getClientExtensionResults().prf?.results?.first;
  if (first === undefined) throw noPrf();
  return secretFrom(first);
}

function need(deps: PasskeyDeps): Pick<CredentialsContainer, 'create' | 'get'> {
  if (!deps.credentials) throw new PasskeyError('this browser has no passkey support; use your recovery phrase');
  return deps.credentials;
}

const noPrf = (): PasskeyError =>
  new PasskeyError('this passkey cannot make a wallet key (no PRF support); use another passkey or your recovery phrase');

function asCredential(value: Credential | null): PrfCredential {
  const c = value as Partial<PrfCredential> | null;
  if (!c || typeof c.getClientExtensionResults !== 'function' || !(c.rawId instanceof ArrayBuffer)) {
    throw new PasskeyError('no passkey was chosen');
  }
  return c as PrfCredential;
}

function secretFrom(source: BufferSource): Uint8Array {
  const bytes = ArrayBuffer.isView(source)
    ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
    : new Uint8Array(source);
  if (bytes.length !== WALLET_SECRET_LENGTH) {
    throw new PasskeyError(`the passkey gave ${bytes.length} bytes instead of ${WALLET_SECRET_LENGTH}; use your recovery phrase`);
  }
  return Uint8Array.from(bytes);
}

/** Runs a WebAuthn call and turns its DOMExceptions into sentences. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PasskeyError) throw e;
    const name = (e as { name?: unknown } | null)?.name;
    if (name === 'NotAllowedError' || name === 'AbortError') {
      throw new PasskeyError('the passkey request was cancelled or timed out');
    }
    if (name === 'SecurityError') throw new PasskeyError('passkeys need a secure page with a domain name (https, or localhost)');
    if (name === 'InvalidStateError') throw new PasskeyError('this authenticator already holds a passkey for this site');
    if (name === 'NotSupportedError') throw noPrf();
    throw new PasskeyError('the passkey request failed; try again or use your recovery phrase');
  }
}

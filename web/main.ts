/**
 * The browser page (issue #7): sign in with a passkey (PRF) or the recovery phrase, then list the
 * wallet's machines live, decrypted here. The relay that serves this page is the relay it lists
 * from; the wallet secret stays in this page's memory only (not even sessionStorage) and Sign out
 * wipes it.
 */
import { randomBytes } from '../crypto/bytes.js';
import { phraseFromSecret, type Wallet } from '../crypto/wallet.js';
import { addNotice, byId, clearList, drawRows, drawStatus } from './dom.js';
import { startLiveList, type LiveList } from './live.js';
import { passkeyBlocker, relayUrlFor, sortedRows } from './present.js';
import { signInWithPasskey, signInWithPhrase, wipeWallet, type SignInResult } from './signin.js';

let wallet: Wallet | null = null;
let live: LiveList | null = null;

const relayUrl = relayUrlFor(location);
const relayLabel = location.host;

function showError(id: string, message: string | null): void {
  const p = byId(id);
  p.textContent = message ?? '';
  p.hidden = message === null;
}

function signedIn(result: SignInResult): void {
  if (!result.ok) return;
  wallet = result.wallet;
  byId('address').textContent = wallet.address;
  byId('address').title = wallet.address;
  byId('signin').hidden = true;
  byId('account').hidden = false;
  byId('devices').hidden = false;
  drawRows([], false);
  const fresh = result.method === 'new-passkey';
  if (fresh) togglePhrase(true); // a new wallet: show its phrase at once so it can be written down
  live = startLiveList(wallet, relayUrl, {
    view: (view, answered) => {
      // Rows read "online" only while the relay is answering right now (live or polling).
      const vouched = view.connection.kind === 'live' || view.connection.kind === 'polling';
      drawRows(sortedRows(view.devices, vouched), answered);
      drawStatus(view.connection, relayLabel);
    },
    notice: (text, name) => addNotice(text, name),
  });
  byId('devices-title').focus();
}

function signOut(): void {
  live?.stop();
  live = null;
  if (wallet) wipeWallet(wallet);
  wallet = null;
  togglePhrase(false);
  clearList();
  byId('address').textContent = '';
  byId('account').hidden = true;
  byId('devices').hidden = true;
  byId('signin').hidden = false;
  showError('phrase-error', null);
  showError('passkey-error', null);
  byId('passkey-signin').focus();
}

function togglePhrase(show: boolean): void {
  const box = byId('phrase-box');
  const words = byId('phrase-words');
  const button = byId('show-phrase');
  const open = show && wallet !== null;
  words.textContent = open && wallet ? phraseFromSecret(wallet.secret) : '';
  box.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  button.textContent = open ? 'Hide recovery phrase' : 'Show recovery phrase';
}

/** Passkey buttons disabled for good on this page (an IP-address origin, no WebAuthn). */
let passkeyBlocked = false;
const PASSKEY_BUTTONS = ['passkey-signin', 'passkey-register'];

function busy(ids: string[], on: boolean): void {
  // Ending a busy spell must not re-enable what is blocked on this page.
  for (const id of ids) (byId(id) as HTMLButtonElement).disabled = on || (passkeyBlocked && PASSKEY_BUTTONS.includes(id));
}

const signInButtons = [...PASSKEY_BUTTONS, 'phrase-submit'];

async function passkey(create: boolean): Promise<void> {
  showError('passkey-error', null);
  busy(signInButtons, true);
  try {
    const result = await signInWithPasskey(
      { credentials: 'credentials' in navigator ? navigator.credentials : undefined, randomBytes },
      create,
    );
    if (result.ok) signedIn(result);
    else showError('passkey-error', `Could not sign in: ${result.message}.`);
  } finally {
    busy(signInButtons, false);
  }
}

/** Lets the browser paint (the busy button) before the ~0.2 s of synchronous key derivation. */
const nextPaint = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

async function phrase(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const field = byId<HTMLTextAreaElement>('phrase');
  const submit = byId('phrase-submit');
  busy(signInButtons, true);
  submit.textContent = 'Opening your wallet…';
  let result: ReturnType<typeof signInWithPhrase>;
  try {
    await nextPaint();
    result = signInWithPhrase(field.value);
  } finally {
    // Whatever happens, the form comes back usable.
    busy(signInButtons, false);
    submit.textContent = 'Sign in with phrase';
  }
  if (!result.ok) {
    showError('phrase-error', `That phrase does not work: ${result.message}.`);
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    return;
  }
  field.value = ''; // the words leave the DOM as soon as they are used
  field.removeAttribute('aria-invalid');
  showError('phrase-error', null);
  signedIn(result);
}

function main(): void {
  byId('phrase-form').addEventListener('submit', (e) => void phrase(e as SubmitEvent));
  byId('passkey-signin').addEventListener('click', () => void passkey(false));
  byId('passkey-register').addEventListener('click', () => void passkey(true));
  byId('sign-out').addEventListener('click', signOut);
  byId('show-phrase').addEventListener('click', () =>
    togglePhrase(byId('show-phrase').getAttribute('aria-expanded') !== 'true'),
  );
  byId('retry').addEventListener('click', () => live?.retry());
  const blocked = passkeyBlocker(location);
  if (blocked) {
    passkeyBlocked = true;
    busy(PASSKEY_BUTTONS, true);
    byId('passkey-blocked-text').textContent = blocked.message;
    if (blocked.url) {
      const link = byId<HTMLAnchorElement>('passkey-blocked-link');
      link.href = blocked.url;
      link.textContent = blocked.url;
      link.hidden = false;
    }
    byId('passkey-blocked').hidden = false;
  } else if (typeof PublicKeyCredential === 'undefined') {
    passkeyBlocked = true;
    busy(PASSKEY_BUTTONS, true);
    showError('passkey-error', 'This browser has no passkey support here; use your recovery phrase.');
  }
  // A page left open must not keep the key after the tab goes away (bfcache restores too).
  addEventListener('pagehide', () => {
    if (wallet) signOut();
  });
}

main();

import { describe, expect, it } from 'vitest';
import { newWallet, phraseFromSecret, PhraseError, walletFromPhrase } from '../../crypto/wallet.js';
import { signInWithPhrase, wipeWallet } from '../../web/signin.js';

const cliMessage = (phrase: string): string => {
  try {
    walletFromPhrase(phrase);
  } catch (e) {
    if (e instanceof PhraseError) return e.message;
  }
  throw new Error('expected a PhraseError');
};

describe('recovery-phrase sign-in', () => {
  it('derives the same wallet address as the CLI from the 24 words', () => {
    const w = newWallet();
    const r = signInWithPhrase(phraseFromSecret(w.secret));
    expect(r.ok && r.wallet.address).toBe(w.address);
  });

  it('accepts a pasted phrase with capitals, line breaks and extra spaces', () => {
    const w = newWallet();
    const messy = `  ${phraseFromSecret(w.secret).toUpperCase().split(' ').join('\n  ')}  `;
    const r = signInWithPhrase(messy);
    expect(r.ok && r.wallet.address).toBe(w.address);
  });

  it.each([
    ['a short phrase', 'abandon abandon abandon'],
    ['an unknown word', phraseFromSecret(new Uint8Array(32)).replace(/^abandon/, 'abandonx')],
    ['a bad checksum', Array(24).fill('abandon').join(' ')],
    ['nothing', '   '],
  ])('refuses %s with the same sentence the CLI prints', (_what, phrase) => {
    const r = signInWithPhrase(phrase);
    expect(r).toEqual({ ok: false, message: cliMessage(phrase) });
  });

  it('sign-out wipes the wallet secret and registry key in memory', () => {
    const w = newWallet();
    wipeWallet(w);
    expect(w.secret.every((b) => b === 0)).toBe(true);
    expect(w.registryKey.every((b) => b === 0)).toBe(true);
  });
});

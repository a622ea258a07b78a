/** React hooks over the discovery client: the view, the banner and the reconnect countdown. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { type ConnectionState, type DiscoveryView, type Notice } from '../client/view.js';
import { type DiscoverySource } from './source.js';

/** The client's current view; re-renders on every change it announces. */
export function useDiscovery(source: DiscoverySource): DiscoveryView {
  return useSyncExternalStore(source.subscribe, source.getView, source.getView);
}

/** How long a `📣 new device` banner stays up (issue #6: transient). */
export const BANNER_MS = 4_000;

/**
 * The notice to show now: the latest one, for `ms` after it arrived. The timer lives here in the
 * UI shell, not in the client (the client only says "this device is new").
 */
export function useBanner(source: DiscoverySource, ms = BANNER_MS): Notice | null {
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = source.onNotice((n) => {
      setNotice(n);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setNotice(null), ms);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [source, ms]);
  return notice;
}

/** Seconds left of a `reconnecting in Ns`, counted down once a second from when it was set. */
export function useCountdown(connection: ConnectionState): number | undefined {
  const inSeconds = connection.kind === 'reconnecting' ? connection.inSeconds : undefined;
  const [left, setLeft] = useState(inSeconds);
  useEffect(() => {
    setLeft(inSeconds);
    if (inSeconds === undefined) return;
    const deadline = Date.now() + inSeconds * 1000;
    const timer = setInterval(() => setLeft(Math.max(0, (deadline - Date.now()) / 1000)), 250);
    return () => clearInterval(timer);
    // A new `connection` object (even with the same figure) is a new try: restart the count.
  }, [connection, inSeconds]);
  return left;
}

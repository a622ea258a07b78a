/**
 * What the TUI needs from the discovery client (issue #5's runtime): the current view, a change
 * signal, and the notices. The TUI renders these; it holds no discovery logic (issue #6).
 */
import { type DiscoveryView, type Notice } from '../client/view.js';

export interface DiscoverySource {
  /** The current view; the same object until something changed (useSyncExternalStore). */
  getView(): DiscoveryView;
  /** Calls `listener` after each change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Calls `listener` once per `📣 new device` notice; returns the unsubscribe. */
  onNotice(listener: (notice: Notice) => void): () => void;
}

/**
 * Notices when agent.json is rewritten (`mir-agent rename`, issue #4). Atomic writes replace
 * the file by rename, which ends a watch on the file itself, so the folder is watched and
 * events are filtered by name and debounced (one write shows up as several events).
 */
import { watch, type FSWatcher } from 'node:fs';
import { AGENT_FILE } from '../home/files.js';

/** Calls `onChange` (debounced by `debounceMs`) when agent.json in `home` changes; returns stop. */
export function watchAgentFile(home: string, onChange: () => void, onError: (err: Error) => void, debounceMs = 50): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(home, { persistent: false }, (_event, filename) => {
      if (filename !== null && filename !== AGENT_FILE) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        onChange();
      }, debounceMs);
    });
    watcher.on('error', onError);
  } catch (err) {
    onError(err as Error);
  }
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
  };
}

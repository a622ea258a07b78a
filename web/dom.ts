/**
 * Puts the page's strings into the document (issue #7). Everything goes in as text nodes —
 * never innerHTML — because names come out of records and must not become markup.
 */
import { countText, noticeLine, statusText, type RowText } from './present.js';
import { type ConnectionState } from '../client/view.js';

/** Finds an element the page's HTML promises, or fails loudly at start (a build mistake). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
}

function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function cell(label: string, className?: string): HTMLTableCellElement {
  const td = el('td', undefined, className) as HTMLTableCellElement;
  td.dataset.label = label;
  return td;
}

function rowElement(r: RowText): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.machineId = r.machineId;
  tr.dataset.state = r.state;
  const name = cell('Name', 'name');
  name.append(document.createTextNode(r.name));
  if (r.isNew) name.append(' ', el('span', 'new', 'badge')); // the space keeps "desk new" two words when read aloud
  const id = cell('Machine');
  const idCode = el('code', r.shortId);
  idCode.title = r.machineId;
  id.append(idCode);
  const key = cell('Host key');
  const keyCode = el('code', r.fingerprint);
  keyCode.title = r.hostPub;
  key.append(keyCode);
  const state = cell('State');
  state.append(el('span', r.stateText, `state ${r.state}`));
  tr.append(name, id, key, state);
  return tr;
}

/**
 * Redraws the table body and its caption from sorted rows. `answered`: the registry has answered
 * at least once, so an empty list means "no machine online" rather than "still asking".
 */
export function drawRows(rows: readonly RowText[], answered: boolean): void {
  byId('device-rows').replaceChildren(...rows.map(rowElement));
  byId('count').textContent = countText(rows);
  byId('device-table').hidden = rows.length === 0;
  byId('empty').hidden = rows.length !== 0 || !answered;
  byId('looking').hidden = rows.length !== 0 || answered;
}

/** The status line, and the "cannot reach the relay" alert with its Retry button. */
export function drawStatus(state: ConnectionState, relay: string): void {
  const s = statusText(state, relay);
  byId('status').textContent = s.unreachable ? '' : s.line;
  const alert = byId('unreachable');
  // Only touch the alert's text when it changes so screen readers do not re-announce each second.
  const text = byId('unreachable-text');
  if (text.textContent !== s.line && s.unreachable) text.textContent = s.line;
  alert.hidden = !s.unreachable;
}

/** Most recent notices kept on screen; older ones scroll away. */
export const MAX_NOTICES = 5;

/**
 * Adds one notice to the aria-live region, with a Dismiss button. The client's 📣 is dropped
 * (screen readers would read "megaphone"; fonts without emoji draw a box); CSS marks the notice.
 */
export function addNotice(text: string, name: string): void {
  const box = byId('notices');
  const notice = el('div', undefined, 'notice');
  const dismiss = el('button', 'Dismiss') as HTMLButtonElement;
  dismiss.type = 'button';
  dismiss.setAttribute('aria-label', `Dismiss the notice about ${name}`);
  dismiss.addEventListener('click', () => notice.remove());
  notice.append(el('p', noticeLine(text)), dismiss);
  box.append(notice);
  while (box.children.length > MAX_NOTICES) box.firstElementChild?.remove();
}

export function clearList(): void {
  byId('device-rows').replaceChildren();
  byId('notices').replaceChildren();
  byId('count').textContent = '';
  byId('status').textContent = '';
  byId('unreachable').hidden = true;
  byId('empty').hidden = true;
  byId('looking').hidden = true;
}

/**
 * Transition coverage for model-based tests (issue #8's gate). `getShortestPaths()` reaches every
 * state but not every transition, so for each transition the chart defines we build the shortest
 * path to its source state followed by its event, and record which defined transitions the
 * tested paths really took (replayed on the pure machine with XState's inspection API).
 *
 * Each machine's test file writes `test-results/model-coverage/<id>.json`; `npm run test:model`
 * (scripts/model-coverage.mjs) prints covered / defined per machine and fails below 100%.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActor, type AnyStateMachine, type EventObject } from 'xstate';
import { getAdjacencyMap, serializeSnapshot, type TestModel } from 'xstate/graph';

export const COVERAGE_DIR = join(process.cwd(), 'test-results', 'model-coverage');

// XState keeps the chart's transitions on each state node; typed loosely as it is internal shape.
interface TransitionDef {
  source: { id: string };
  eventType: string;
  target?: ReadonlyArray<{ id: string }>;
}
interface StateNodeLike {
  transitions: Map<string, TransitionDef[]>;
  always?: TransitionDef[];
  states: Record<string, StateNodeLike>;
}

/** Every transition the chart defines (each guarded branch counts on its own), eventless ones too. */
export function definedTransitions(machine: AnyStateMachine): TransitionDef[] {
  const out: TransitionDef[] = [];
  const walk = (node: StateNodeLike) => {
    for (const list of node.transitions.values()) out.push(...list);
    if (node.always) out.push(...node.always);
    Object.values(node.states).forEach(walk);
  };
  walk(machine.root as unknown as StateNodeLike);
  return out;
}

export function transitionLabel(t: TransitionDef): string {
  const target = t.target?.map((s) => s.id).join(',') ?? '(internal)';
  return `${t.source.id} --${t.eventType}--> ${target}`;
}

/** The defined transitions taken when `events` are sent, in order, to a fresh pure actor. */
export function transitionsTaken(machine: AnyStateMachine, events: readonly EventObject[], input?: unknown): TransitionDef[][] {
  const perEvent: TransitionDef[][] = [];
  let current: TransitionDef[] = [];
  const actor = createActor(machine, {
    input,
    inspect: (ev) => {
      if (ev.type === '@xstate.microstep') current.push(...((ev as unknown as { _transitions: TransitionDef[] })._transitions ?? []));
    },
  });
  actor.start();
  for (const event of events) {
    current = [];
    // After a final state nothing more is taken (and XState would warn about each event).
    if (actor.getSnapshot().status === 'active') actor.send(event);
    perEvent.push(current);
  }
  actor.stop();
  return perEvent;
}

type AnyPath = ReturnType<TestModel<any, any, any>['getShortestPaths']>[number]; // eslint-disable-line @typescript-eslint/no-explicit-any

const userEvents = (path: AnyPath): EventObject[] => path.steps.map((s) => s.event as EventObject).filter((e) => !e.type.startsWith('xstate.'));

/**
 * One path per defined transition reachable with `events`: the shortest path to a state where
 * the transition is enabled, then its event. Sorted by length, deduplicated by the transitions
 * the last step takes.
 */
export function pathsForEveryTransition(
  model: TestModel<any, any, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  machine: AnyStateMachine,
  events: readonly EventObject[],
  input?: unknown,
): AnyPath[] {
  // Every shortest path (by default xstate/graph drops a path that is a prefix of a longer one,
  // which would leave the intermediate states without a prefix), then the shortest per snapshot.
  const shortest = new Map<string, AnyPath>();
  for (const p of model.getShortestPaths({ allowDuplicatePaths: true })) {
    const key = JSON.stringify(serializeSnapshot(p.state));
    const prev = shortest.get(key);
    if (!prev || p.steps.length < prev.steps.length) shortest.set(key, p);
  }
  const adjacency = getAdjacencyMap(machine, { events: [...events], input } as never) as unknown as Record<string, { state: unknown; transitions: Record<string, { event: EventObject }> }>;
  const chosen = new Map<string, AnyPath>();
  for (const [key, node] of Object.entries(adjacency)) {
    const prefix = shortest.get(JSON.stringify(serializeSnapshot(node.state as never))) ?? shortest.get(key);
    if (!prefix) continue;
    for (const { event } of Object.values(node.transitions)) {
      const evs = [...userEvents(prefix), event];
      const taken = transitionsTaken(machine, evs, input).at(-1) ?? [];
      if (taken.length === 0) continue;
      const id = taken.map(transitionLabel).join(' | ');
      const [path] = model.getPathsFromEvents(evs);
      if (!path) continue;
      const prev = chosen.get(id);
      if (!prev || prev.steps.length > path.steps.length) chosen.set(id, path);
    }
  }
  return [...chosen.values()].sort((a, b) => a.steps.length - b.steps.length);
}

/** Collects the transitions taken by tested paths and writes the machine's coverage report. */
export class TransitionCoverage {
  private readonly defined: TransitionDef[];
  private readonly covered = new Set<TransitionDef>();
  constructor(
    private readonly name: string,
    private readonly machine: AnyStateMachine,
    private readonly input?: unknown,
  ) {
    this.defined = definedTransitions(machine);
  }
  /** Call after a path passed against the real shell. */
  record(path: AnyPath | readonly EventObject[]): void {
    const events = Array.isArray(path) ? (path as EventObject[]) : userEvents(path as AnyPath);
    for (const list of transitionsTaken(this.machine, events, this.input)) for (const t of list) this.covered.add(t);
  }
  missing(): string[] {
    return this.defined.filter((t) => !this.covered.has(t)).map(transitionLabel);
  }
  write(): { defined: number; covered: number; missing: string[] } {
    const report = { machine: this.name, defined: this.defined.length, covered: this.defined.length - this.missing().length, missing: this.missing() };
    mkdirSync(COVERAGE_DIR, { recursive: true });
    writeFileSync(join(COVERAGE_DIR, `${this.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  }
}

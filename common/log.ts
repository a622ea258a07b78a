/**
 * One structured line per event, as JSON, on stderr: easy for people to grep and for tests to
 * parse. Callers pass fields; nothing here ever sees a secret or a blob, and that stays so.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  (event: string, fields?: LogFields): void;
}

export function createLogger(component: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return (event, fields = {}) => {
    write(`${JSON.stringify({ t: new Date().toISOString(), c: component, event, ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => {};

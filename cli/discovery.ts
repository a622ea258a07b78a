/** `mir list | resolve | machines` — filled in by the client discovery issue (#5). */
export const DISCOVERY_HELP = `  mir list [--relay URL] [--json] [--home DIR]   (not built yet: issue #5)`;

export const discoveryCommands: Record<string, (argv: string[]) => Promise<number>> = {};

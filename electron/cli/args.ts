// args: the command line's small option parser. `--name value` and `--flag` pairs after the
// positional arguments; a UsageError (exit code 2) names whatever is wrong.

export class UsageError extends Error {}

export interface Parsed {
  positional: string[];
  options: Map<string, string>;
}

/** Splits args into positionals and --options; `flags` take no value. Throws UsageError on a missing value. */
export function parseArgs(args: string[], flags: readonly string[] = []): Parsed {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (flags.includes(name)) options.set(name, 'true');
    else if (inline !== undefined) options.set(name, inline);
    else if (i + 1 < args.length) options.set(name, args[++i]!);
    else throw new UsageError(`option --${name} needs a value`);
  }
  return { positional, options };
}

/**
 * parseArgs for one command: null when --help was asked (the caller prints `usage`), else the parsed
 * arguments; a UsageError for any option outside `known` (flags included).
 */
export function commandArgs(args: string[], known: readonly string[], usage: string, flags: readonly string[] = []): Parsed | null {
  const parsed = parseArgs(args, ['help', ...flags]);
  if (parsed.options.has('help')) return null;
  for (const key of parsed.options.keys()) if (!known.includes(key) && !flags.includes(key)) throw new UsageError(`unknown option --${key}\n\n${usage}`);
  return parsed;
}

/** A comma-separated option value as a list of non-empty names; undefined when the option is absent. */
export function listOption(value: string | undefined): string[] | undefined {
  return value?.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

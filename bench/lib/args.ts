// Command-line flags of the benchmark scripts: `--name value` or `--name=value`, each with an
// environment fallback (BENCH_NAME) and a default. Unknown flags are refused.
export interface FlagSpec {
  /** Default value; its type (number, string or boolean) is the flag's type. */
  default: number | string | boolean;
  help: string;
}

export type Flags<S extends Record<string, FlagSpec>> = { [K in keyof S]: S[K]['default'] extends number ? number : S[K]['default'] extends boolean ? boolean : string };

export function parseFlags<S extends Record<string, FlagSpec>>(specs: S, argv: string[], env: NodeJS.ProcessEnv, usage: string): Flags<S> {
  const values: Record<string, number | string | boolean> = {};
  const envName = (name: string) => `BENCH_${name.replace(/-/g, '_').toUpperCase()}`;
  const convert = (name: string, raw: string): number | string | boolean => {
    const spec = specs[name]!;
    if (typeof spec.default === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} ${raw}: a non-negative number is expected`);
      return n;
    }
    if (typeof spec.default === 'boolean') {
      if (['1', 'true', 'yes', 'on', ''].includes(raw.toLowerCase())) return true;
      if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
      throw new Error(`--${name} ${raw}: true or false is expected`);
    }
    return raw;
  };
  for (const name of Object.keys(specs)) {
    const fromEnv = env[envName(name)];
    values[name] = fromEnv !== undefined && fromEnv !== '' ? convert(name, fromEnv) : specs[name]!.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      const lines = Object.entries(specs).map(
        ([name, spec]) => `  --${name.padEnd(14)} ${spec.help} (default ${String(spec.default)}; env ${envName(name)})`,
      );
      process.stdout.write(`${usage}\n\n${lines.join('\n')}\n`);
      process.exit(0);
    }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !(match[1]! in specs)) throw new Error(`unknown argument ${arg} (try --help)`);
    const name = match[1]!;
    let raw = match[2];
    if (raw === undefined) {
      const next = argv[i + 1];
      if (typeof specs[name]!.default === 'boolean' && (next === undefined || next.startsWith('--'))) raw = 'true';
      else {
        if (next === undefined) throw new Error(`--${name} needs a value`);
        raw = next;
        i++;
      }
    }
    values[name] = convert(name, raw);
  }
  return values as Flags<S>;
}

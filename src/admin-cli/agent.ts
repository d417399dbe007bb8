// The support staff member named in the audit log of every change a command makes: `--agent <nom>`,
// or ESAV_AGENT; without either the command stops (usage error, exit 2) before calling the API.
import { CommanderError, Option } from 'commander';

/** The `--agent` option of a command that changes something. */
export const agentOption = () => new Option('--agent <nom>', 'nom de l’agent du support, écrit au journal d’audit (défaut : ESAV_AGENT)');

/** The staff member of this command; a usage error when none is given. */
export function agentOf(options: { agent?: string }, env: NodeJS.ProcessEnv): string {
  const agent = (options.agent ?? env.ESAV_AGENT ?? '').trim();
  if (!agent) {
    const message = 'nom de l’agent du support requis pour le journal d’audit : --agent <nom> ou ESAV_AGENT';
    process.stderr.write(`${message}\n`);
    throw new CommanderError(2, 'esav.usage', message);
  }
  return agent;
}

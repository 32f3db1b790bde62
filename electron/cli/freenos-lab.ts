// The `freenos-lab` command line. Subcommands arrive with their issues (grade, exercises,
// quiz); today it has `demo`. Exit codes: 0 done, 2 usage error.
import { demo } from './demo';

const usage = `usage: freenos-lab <command>

commands:
  demo     walk through the engine: next fit, the user heap, metadata in emulated memory
  help     this text`;

function main(args: string[]): number {
  const [command] = args;
  if (command === 'demo') {
    console.log(demo());
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(usage);
    return command === undefined ? 2 : 0;
  }
  console.error(`freenos-lab: unknown command '${command}'\n\n${usage}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));

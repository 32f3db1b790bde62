// The `freenos-lab` command line. Exit codes: 0 done, 1 a check failed (a malformed trace, a failed
// replay or test, a broken exercise), 2 usage or input error. Each subcommand lives in its own file.
import { classroomCommand, classroomUsage } from './classroom';
import { demo } from './demo';
import { UsageError } from './args';
import { exercisesCommand, exercisesUsage } from './exercises';
import { gradeCommand, gradeUsage } from './grade';
import { gradeBatchCommand, gradeBatchUsage } from './gradeBatch';
import { gradescopeCommand, gradescopeUsage } from './gradescope';
import { policiesCommand, policiesUsage } from './policies';
import { quizCommand, quizUsage } from './quiz';
import { regradeCommand, regradeUsage } from './regrade';
import { replayCommand, replayUsage } from './replay';
import { similarCommand } from './similar';
import { traceCommand, traceUsage } from './trace';

const usage = `usage: freenos-lab <command>

commands:
  demo           walk through the engine: next fit, the user heap, metadata in emulated memory
  trace gen      write a seeded generated trace (trace list shows the generators)
  trace check    read trace files and say what is in them, or where they are malformed
  replay         replay a trace against the 07-malloc reference: the checker's verdict and metrics
  grade          grade a submission: text, JSON, Gradescope or JUnit report
  grade-batch    grade a folder of submissions: grades.csv and a report per student
  gradescope     write a Gradescope autograder zip for an exercise (installs and grades with no network)
  regrade        grade a grade-batch folder's class again: the changed scores per student and test, and why
  similar        rank pairs of submissions by similarity, the starter ignored (similar --help)
  exercises      list the exercises of a pack, or validate them
  classroom      write an exercise's GitHub Classroom repository: the autograding workflow, starter, pack
  quiz           seeded questions: next fit, available(), address translation, pools (quiz list)
  policies       rank fit policies, buddy and segregated storage by fragmentation (the J&W 1998 table)
  help           this text (each command also takes --help)

${traceUsage}
${replayUsage}
${gradeUsage}
${gradeBatchUsage}
${gradescopeUsage}
${regradeUsage}
${exercisesUsage}
${classroomUsage}
${quizUsage}
${policiesUsage}`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const print = (text: string) => console.log(text);
  const warn = (text: string) => console.error(text);
  try {
    if (command === 'demo') {
      print(demo());
      return 0;
    }
    if (command === 'trace') return traceCommand(rest, print, warn);
    if (command === 'replay') return replayCommand(rest, print, warn);
    if (command === 'grade') return await gradeCommand(rest, print, warn);
    if (command === 'grade-batch') return await gradeBatchCommand(rest, print, warn);
    if (command === 'gradescope') return await gradescopeCommand(rest, print, warn);
    if (command === 'regrade') return await regradeCommand(rest, print, warn);
    if (command === 'similar') return similarCommand(rest, print, warn);
    if (command === 'exercises') return await exercisesCommand(rest, print, warn);
    if (command === 'classroom') return await classroomCommand(rest, print, warn);
    if (command === 'quiz') return await quizCommand(rest, print, warn);
    if (command === 'policies') return await policiesCommand(rest, print, warn);
    if (command === undefined || command === 'help' || command === '--help') {
      print(usage);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'\n\n${usage}`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    warn(`freenos-lab: ${error.message}`);
    return 2;
  }
}

// A reader that stops early (`freenos-lab trace gen ... | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));

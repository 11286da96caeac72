import { runTipsCli } from './tips-commands';

// npm run tips -- list|show|set|export|download ... (see USAGE in tips-commands.ts)
process.exitCode = await runTipsCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
});

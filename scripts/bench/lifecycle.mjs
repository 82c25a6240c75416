// What every bench runner needs around its work: the processes it starts, stopped on every way out (normal end,
// error, Ctrl-C, kill, an uncaught error), and an exit code that says whether it worked.
const log = (line) => process.stderr.write(`${line}\n`);

/** `procs` to push every started process onto; `stopAll()` (once, however often it is called); `run(main)`. */
export function benchLifecycle() {
  const procs = [];
  let stopping;
  const stopAll = () => (stopping ??= Promise.all(procs.map((p) => p.stop())));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      log(`${signal}: stopping ${procs.length} processes…`);
      await stopAll();
      process.exit(130);
    });
  }
  for (const event of ['uncaughtException', 'unhandledRejection']) {
    process.on(event, async (error) => {
      log(`${event}: ${error?.stack ?? error}`);
      await stopAll();
      process.exit(1);
    });
  }
  async function run(main) {
    try {
      await main();
    } catch (error) {
      log(error.stack ?? String(error));
      process.exitCode = 1;
    } finally {
      await stopAll();
    }
  }
  return { procs, stopAll, run };
}

import { type AppConfig, baseUrl } from '@robo/runtime';

/** What the start prints once listening: where the dashboard and the API docs are, on the port really bound. */
export function startLine(config: Pick<AppConfig, 'host' | 'dataDir'>, port: number): string {
  const base = baseUrl(config.host, port);
  return `Robo Trader is listening on ${base}: dashboard ${base}/ , API docs ${base}/docs (data in ${config.dataDir})`;
}

/**
 * `npm start` runs `npm run build && ... && node main.js` in a shell: npm passes a SIGTERM on to that shell, which
 * ends without passing it to node (Ctrl-C reaches every process of the terminal's group, so it works). The shell
 * ending makes this process an orphan: its parent process id changes. Checked every `everyMs`; `stop` runs once.
 */
export function watchLauncher(stop: () => void, everyMs = 200, parentPid: () => number = () => process.ppid): NodeJS.Timeout {
  const launcher = parentPid();
  const timer = setInterval(() => {
    if (parentPid() === launcher) return;
    clearInterval(timer);
    stop();
  }, everyMs);
  timer.unref();
  return timer;
}

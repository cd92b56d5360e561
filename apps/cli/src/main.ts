#!/usr/bin/env node
import { runCli } from './cli';

/** `robo` (npm run robo -- <command>): see `robo --help`. */
void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});

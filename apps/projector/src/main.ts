import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import { ConfigModule, exitOnConfigError, loadConfigOrExit, loggerOptions, StoresModule } from '@robo/runtime';
import { ProjectorModule } from '@robo/projector';

/** Runs the projections as their own process over the same stores as the api (`npm run start:projector`). */
async function main(): Promise<void> {
  // A missing or malformed variable of any module (the projector reads them all, as the api does): exit code 78.
  const config = loadConfigOrExit();

  @Module({ imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(loggerOptions(config)), StoresModule, ProjectorModule] })
  class ProjectorAppModule {}

  const app = await NestFactory.createApplicationContext(ProjectorAppModule, { bufferLogs: true }).catch(exitOnConfigError);
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

void main();

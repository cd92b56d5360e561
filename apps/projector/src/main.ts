import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import { ConfigError, ConfigModule, loadConfig, loggerOptions, StoresModule } from '@robo/runtime';
import { ProjectorModule } from '@robo/projector';


/** Runs the projections as their own process over the same stores as the api (`npm run start:projector`). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }

  @Module({ imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(loggerOptions(config)), StoresModule, ProjectorModule] })
  class ProjectorAppModule {}

  const app = await NestFactory.createApplicationContext(ProjectorAppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

void main();

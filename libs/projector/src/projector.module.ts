import { Module } from '@nestjs/common';
import { ProjectorService } from './projector.service';

/** The projector: imported by the api in embedded mode, or run on its own by apps/projector/src/main.ts. */
@Module({ providers: [ProjectorService], exports: [ProjectorService] })
export class ProjectorModule {}

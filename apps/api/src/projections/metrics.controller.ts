import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint; scrape with an auditor API key as the bearer credential. */
@ApiTags('projections')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Projection figures and HTTP request metrics in the Prometheus text format (admins, auditors)' })
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.status(200).setHeader('cache-control', 'no-store');
    res.type(this.metrics.registry.contentType).send(text);
  }
}

import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { correlationIdFor, markExpectedRefusal } from '@robo/runtime';
import type { ErrorBody } from '../common/api-error';

/**
 * Counts the requests in flight and, once draining, refuses new ones with a 503 (and Connection: close), so that
 * a graceful shutdown finishes every command it accepted and accepts no other.
 */
@Injectable()
export class ShutdownService {
  private inFlight = 0;
  private isDraining = false;
  private readonly idleWaiters = new Set<() => void>();

  get draining(): boolean {
    return this.isDraining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Express middleware; mounted before everything else. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.isDraining) {
      res.setHeader('Connection', 'close');
      res.setHeader('Retry-After', '1');
      const body: ErrorBody = { code: 'SHUTTING_DOWN', message: 'the server is shutting down; retry on another instance or shortly', correlationId: correlationIdFor(req, res) };
      markExpectedRefusal(res, body.code);
      res.status(503).json(body);
      return;
    }
    this.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of [...this.idleWaiters]) wake();
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };

  /** Stops taking requests; resolves once none is in flight, or after timeoutMs (true when all finished). */
  drain(timeoutMs: number): Promise<boolean> {
    this.isDraining = true;
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve(this.inFlight === 0);
      };
      const timer = setTimeout(wake, timeoutMs);
      this.idleWaiters.add(wake);
    });
  }
}

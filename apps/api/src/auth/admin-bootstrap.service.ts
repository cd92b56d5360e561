import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { CredentialStoreUnavailableError, KeyManager } from '@robo/credentials';
import { derivedId } from '@robo/write-path';

/** Where the first admin key is shown; stdout by default (tests capture it). Never the logger. */
export const BOOTSTRAP_OUTPUT = Symbol('BOOTSTRAP_OUTPUT');
export type BootstrapOutput = (text: string) => void;

/**
 * First start in embedded mode with an empty credential store: create an admin key and print, once, how to use
 * it. The key goes to stdout as plain text, outside the structured log, and is never written anywhere again
 * (the store keeps a hash; the credential event names the key id only).
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly keys: KeyManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BOOTSTRAP_OUTPUT) private readonly output: BootstrapOutput,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.authBootstrapAdmin || this.config.eventStore !== 'sqlite') return;
    let created: Awaited<ReturnType<KeyManager['bootstrapAdmin']>>;
    try {
      created = await this.keys.bootstrapAdmin({ actor: 'system:bootstrap', correlationId: derivedId('bootstrap-admin'), causationId: null });
    } catch (error) {
      // A credential store on a server that is down (CREDENTIAL_STORE=mongo) must not stop the api: it starts not
      // ready, and the first admin key is then made with `robo keys create --role admin`.
      if (!(error instanceof CredentialStoreUnavailableError)) throw error;
      this.logger.warn({ error: error.message }, 'credential store unavailable: the first admin key was not checked for or created');
      return;
    }
    if (!created) return;
    this.logger.log({ kid: created.record.kid }, 'created the first admin API key (printed once on stdout)');
    this.output(banner(created.apiKey, created.record.kid, this.config.port));
  }
}

function banner(apiKey: string, kid: string, port: number): string {
  const api = `http://localhost:${port || 3000}`;
  return [
    '',
    '==================================================================================',
    ` First start: created the admin API key ${kid}. It is shown once, here, and never`,
    ' logged: store it now (the server keeps only a hash).',
    '',
    `   API key: ${apiKey}`,
    '',
    ' Get an access token, then send it as "Authorization: Bearer <accessToken>":',
    `   curl -s -X POST ${api}/auth/token -H 'content-type: application/json' -d '{"apiKey":"${apiKey}"}'`,
    ' Create more keys: npm run robo -- keys create --role trader --name <name>, or POST /api/admin/keys',
    '==================================================================================',
    '',
  ].join('\n');
}

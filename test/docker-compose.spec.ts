import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { loadConfig } from '@robo/runtime';

/*
 * There is no Docker engine on this machine, so the compose file is checked as data: it parses, every service has
 * a health check and a restart policy, data lives in volumes, and the environment it gives the api and the
 * projector is a configuration the app accepts.
 */
interface Service {
  image?: string;
  pull_policy?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  restart?: string;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const root = path.resolve(__dirname, '..');
// Compose understands YAML merge keys (<<: *anchor); js-yaml 5 needs them enabled.
const compose = load(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { schema: CORE_SCHEMA.withTags(mergeTag) }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { services } = compose;
const composeText = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const overrideText = fs.readFileSync(path.join(root, 'docker-compose.eventstoredb.yml'), 'utf8');
const override = load(overrideText, { schema: CORE_SCHEMA.withTags(mergeTag) }) as { services: Record<string, Service> };

/** What `docker compose` does with ${VAR:?message} and ${VAR:-default}, for the variables it would get. */
function interpolate(env: Record<string, string>, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      String(value).replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => given[name] ?? fallback ?? ''),
    ]),
  );
}

describe('docker-compose.yml', () => {
  it('runs EventStoreDB, MongoDB, the api and the projector', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'eventstore', 'mongo', 'projector']);
  });

  it.each(Object.keys(services))('%s has a health check and a restart policy', (name) => {
    const service = services[name];
    expect(service.healthcheck?.test?.length).toBeGreaterThan(0);
    expect(['CMD', 'CMD-SHELL']).toContain(service.healthcheck?.test[0]);
    expect(['always', 'unless-stopped', 'on-failure']).toContain(service.restart);
  });

  it('keeps the event log and the read models in named volumes, where each image writes its data', () => {
    // The KurrentDB image declares /var/lib/kurrentdb as a volume: the named volume must be mounted exactly there.
    expect(services.eventstore.image).toContain('kurrentdb');
    expect(services.eventstore.volumes).toContain('eventstore-data:/var/lib/kurrentdb');
    expect(override.services.eventstore.image).toContain('eventstore/eventstore');
    expect(override.services.eventstore.volumes).toContain('eventstore-data:/var/lib/eventstore');
    expect(services.mongo.volumes).toContain('mongo-data:/data/db');
    for (const volume of ['eventstore-data', 'mongo-data']) expect(compose.volumes).toHaveProperty(volume);
  });

  it('runs MongoDB as a replica set that its health check initiates', () => {
    expect(services.mongo.command).toEqual(['--replSet', 'rs0', '--bind_ip_all']);
    expect(services.mongo.healthcheck?.test.join(' ')).toContain("rs.initiate({ _id: 'rs0'");
    expect(services.api.environment?.MONGO_URL).toContain('replicaSet=rs0');
  });

  it('builds one image once, run by the api and the projector, started after stores that accept writes', () => {
    expect(services.api.build).toEqual({ context: '.', dockerfile: 'Dockerfile', target: 'runtime' });
    expect(services.projector.build).toBeUndefined();
    expect(services.projector.image).toBe(services.api.image);
    expect(services.projector.pull_policy).toBe('never');
    for (const name of ['api', 'projector']) {
      expect(services[name].depends_on).toEqual({ eventstore: { condition: 'service_healthy' }, mongo: { condition: 'service_healthy' } });
    }
    // Healthy means the node is the leader (accepts writes), not merely a live process.
    expect(services.eventstore.healthcheck?.test.join(' ')).toContain('/gossip');
    expect(services.eventstore.healthcheck?.test.join(' ')).toContain('Leader');
    expect(services.mongo.healthcheck?.test.join(' ')).toContain('isWritablePrimary');
    // A larger young generation: rebuilds and catch-ups allocate short-lived objects per event.
    expect(services.projector.command).toEqual(['node', '--max-semi-space-size=32', 'dist/apps/projector/src/main.js']);
    // The commands point at what the build produces.
    expect(fs.existsSync(path.join(root, 'apps/projector/src/main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps/api/src/main.ts'))).toBe(true);
  });

  it('gives the api and the projector a configuration the app accepts, on the production stores', () => {
    const secret = 'x'.repeat(48);
    for (const name of ['api', 'projector']) {
      const env = interpolate(services[name].environment ?? {}, { AUTH_JWT_SECRET: secret });
      const config = loadConfig(env);
      expect(config).toMatchObject({ eventStore: 'esdb', readStore: 'mongo', eventStoreUrl: 'esdb://eventstore:2113?tls=false', authJwtSecret: secret });
    }
    expect(loadConfig(interpolate(services.api.environment ?? {}, { AUTH_JWT_SECRET: secret })).embeddedProjector).toBe(false);
  });

  it('needs no variable for ps, logs or down: no ${VAR:?} anywhere, and the app itself refuses a missing secret', () => {
    for (const text of [composeText, overrideText]) expect(text).not.toMatch(/\$\{\w+:\?/);
    const env = interpolate(services.api.environment ?? {}, {});
    expect(env.AUTH_JWT_SECRET).toBe('');
    expect(() => loadConfig(env)).toThrow(/AUTH_JWT_SECRET/);
  });

  it('builds on a maintained Node LTS, and Node 20 stays a build argument away', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile);
    expect(Number(image?.[1])).toBeGreaterThanOrEqual(22);
    expect(Number(image?.[1]) % 2).toBe(0); // even majors are the LTS lines
    expect(dockerfile).toContain('NODE_IMAGE=node:20-bookworm-slim');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20');
  });

  it('has a multi-stage Dockerfile: build with dev dependencies, run with production ones', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM \S+ AS build$/m);
    expect(dockerfile).toMatch(/^FROM \S+ AS runtime$/m);
    expect(dockerfile).toContain('RUN npm install');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(dockerfile).toContain('CMD ["node", "dist/apps/api/src/main.js"]');
  });
});

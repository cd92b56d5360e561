import * as fs from 'node:fs';
import {
  buildCatalogData,
  CHARGE_SCHEDULES,
  DEFAULT_INDEX_LEVELS,
  DomainError,
  InstrumentCatalog,
  parseChargeSchedules,
  parseExpiryRules,
  parseLotSizeTable,
  type ChargeSchedule,
} from '@robo/domain';
import { ConfigError } from './config/app-config';

/**
 * Reference data replaceable from files at start (CHARGES_FILE, LOT_SIZES_FILE, EXPIRY_RULES_FILE), in the formats of
 * the bundled tables in libs/domain (docs/reference-data.md). A file that cannot be read or does not pass the domain's
 * checks stops the process with a message naming its variable (exit 78), never a wrong figure on a later trade.
 */
function readJson(variable: string, file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(variable, `could not be read as JSON (${(error as Error).message})`);
  }
}

function parsed<T>(variable: string, file: string, parse: (input: unknown) => T): T {
  const input = readJson(variable, file);
  try {
    return parse(input);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError(variable, `is not a valid table: ${error.message}`);
    throw error;
  }
}

/** The charge schedules: CHARGES_FILE when set, else the bundled ones. */
export function loadChargeSchedules(file: string | null): readonly ChargeSchedule[] {
  return file === null ? CHARGE_SCHEDULES : parsed('CHARGES_FILE', file, parseChargeSchedules);
}

/** The instrument catalog, with the lot sizes of LOT_SIZES_FILE and the expiry rules of EXPIRY_RULES_FILE when set. */
export function loadInstrumentCatalog(files: { lotSizesFile: string | null; expiryRulesFile: string | null }): InstrumentCatalog {
  const lotSizes = files.lotSizesFile === null ? undefined : parsed('LOT_SIZES_FILE', files.lotSizesFile, parseLotSizeTable);
  const expiryRules = files.expiryRulesFile === null ? undefined : parsed('EXPIRY_RULES_FILE', files.expiryRulesFile, parseExpiryRules);
  // Each index needs both tables; say which file leaves one out rather than failing on the catalog as a whole.
  for (const { symbol } of DEFAULT_INDEX_LEVELS) {
    if (lotSizes && !lotSizes.some((r) => r.underlying === symbol)) throw new ConfigError('LOT_SIZES_FILE', `has no lot size for ${symbol}`);
    if (expiryRules && !expiryRules.some((r) => r.underlying === symbol)) throw new ConfigError('EXPIRY_RULES_FILE', `has no expiry rule for ${symbol}`);
  }
  const symbols = new Set(DEFAULT_INDEX_LEVELS.map((i) => i.symbol));
  const stray = (rows: readonly { underlying: string }[] | undefined) => [...new Set((rows ?? []).map((r) => r.underlying).filter((u) => !symbols.has(u)))];
  if (stray(lotSizes).length > 0) throw new ConfigError('LOT_SIZES_FILE', `names ${stray(lotSizes).join(', ')}, not an index of the catalog (${[...symbols].join(', ')})`);
  if (stray(expiryRules).length > 0) throw new ConfigError('EXPIRY_RULES_FILE', `names ${stray(expiryRules).join(', ')}, not an index of the catalog (${[...symbols].join(', ')})`);
  return new InstrumentCatalog(buildCatalogData({ lotSizes, expiryRules }));
}

// The version registry: which web-service versions are live, from a configuration file
// (ESAV_VERSIONS_FILE, default config/versions.yaml), checked at start (decision 0010):
//
//   services:
//     SignalisationService:
//       - version: 1
//         production: "2018-01-01"              # Europe/Paris midnight, or an instant with offset
//         fin: "2027-05-01T00:00:00+02:00"      # retired at this instant
//       - version: 2
//         production: "2026-11-01"
//
// A plan that would make three versions live, keep an old one more than 6 months after its
// successor or retire it less than 1 month after it stops the start (ConfigError naming the file
// and the rule). A service listed must list each of its published versions and only those; a
// service not listed (the Interop'Fibre contracts) is always live. At run time a request to a
// version not live answers fault 400 listing the live ones (the pipeline's policy, and the e-SAV
// header rule through SoapEndpoint.liveVersions).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigError } from './config.js';
import { describeLiveVersions } from '../../adapters/contracts/esav-conventions.js';
import type { Clock } from '../../domain/clock.js';
import { formatParisDateTime, parseXsDateTime } from '../../domain/paris-calendar.js';
import { EsavFault } from '../../domain/faults.js';
import { describeInvalidXmlChar, firstInvalidXmlCharInFile } from '../../domain/xml-text.js';
import { isLive, liveVersionsAt, versionPlanErrors, type VersionPlanEntry } from '../../domain/versions.js';
import { PROJECT_ROOT } from '../../adapters/paths.js';
import type { SoapEndpoint } from '../../adapters/soap/endpoint.js';
import type { VersionGate } from '../../adapters/operators-front/request-policy.js';

function parseInstant(raw: unknown, where: string): Date {
  const text = String(raw ?? '').trim();
  const lexical = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text;
  try {
    return parseXsDateTime(lexical);
  } catch {
    throw new Error(`${where}: "${text}" is not a date (YYYY-MM-DD, Europe/Paris midnight) nor an xs:dateTime`);
  }
}

/** Reads the registry's entries from YAML text; throws Error naming the entry at fault. */
export function parseVersionPlan(yamlText: string): VersionPlanEntry[] {
  const document = YAML.parse(yamlText) as unknown;
  const services = (document as { services?: unknown } | null)?.services;
  if (services === null || typeof services !== 'object' || Array.isArray(services)) {
    throw new Error('a "services:" map is expected (service name → list of versions)');
  }
  const entries: VersionPlanEntry[] = [];
  for (const [service, versions] of Object.entries(services as Record<string, unknown>)) {
    if (!Array.isArray(versions) || versions.length === 0) throw new Error(`${service}: a list of versions is expected`);
    versions.forEach((v: unknown, i) => {
      const where = `${service}[${i}]`;
      if (v === null || typeof v !== 'object') throw new Error(`${where}: { version, production, fin? } expected`);
      const item = v as Record<string, unknown>;
      const unknown = Object.keys(item).filter((k) => !['version', 'production', 'fin'].includes(k));
      if (unknown.length > 0) throw new Error(`${where}: unknown key(s) ${unknown.join(', ')} (version, production, fin)`);
      if (item.version === undefined || item.production === undefined) throw new Error(`${where}: version and production are required`);
      entries.push({
        service,
        version: String(item.version),
        production: parseInstant(item.production, `${where}.production`),
        ...(item.fin !== undefined && item.fin !== null ? { fin: parseInstant(item.fin, `${where}.fin`) } : {}),
      });
    });
  }
  return entries;
}

export class VersionRegistry implements VersionGate {
  private constructor(
    readonly entries: readonly VersionPlanEntry[],
    private readonly source: string,
  ) {}

  /** Reads and checks the registry file; ConfigError with every rule broken. */
  static load(file: string): VersionRegistry {
    const shown = path.relative(PROJECT_ROOT, file) || file;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`version registry ${shown} (ESAV_VERSIONS_FILE) cannot be read: ${(error as Error).message}`);
    }
    return VersionRegistry.fromText(text, shown);
  }

  static fromText(text: string, source = 'versions'): VersionRegistry {
    // Its names and dates reach the operators' faults: XML 1.0 characters only (decision 0012).
    // A YAML escape making such a character ("\a") cannot match a published service, version or date.
    const invalid = firstInvalidXmlCharInFile(text);
    if (invalid) throw new ConfigError(`version registry ${source}:${invalid.line}: ${describeInvalidXmlChar(invalid, `en colonne ${invalid.column}`)}`);
    let entries: VersionPlanEntry[];
    try {
      entries = parseVersionPlan(text);
    } catch (error) {
      throw new ConfigError(`version registry ${source}: ${(error as Error).message}`);
    }
    const errors = versionPlanErrors(entries);
    if (errors.length > 0) throw new ConfigError(`version registry ${source} refused:\n  - ${errors.join('\n  - ')}`);
    return new VersionRegistry(entries, source);
  }

  private listed(service: string): boolean {
    return this.entries.some((e) => e.service === service);
  }

  /** The published endpoints and the registry must name the same versions (services listed). */
  checkPublished(endpoints: SoapEndpoint[]): SoapEndpoint[] {
    const errors: string[] = [];
    for (const e of endpoints) {
      if (this.listed(e.serviceName) && !this.entries.some((v) => v.service === e.serviceName && v.version === e.version)) {
        errors.push(`${e.serviceName} v${e.version} is published (${e.path}) but not in the registry: give it a production date`);
      }
    }
    for (const v of this.entries) {
      if (!endpoints.some((e) => e.serviceName === v.service && e.version === v.version)) {
        errors.push(`${v.service} v${v.version} is in the registry but no such service version is published`);
      }
    }
    if (errors.length > 0) throw new ConfigError(`version registry ${this.source} refused:\n  - ${errors.join('\n  - ')}`);
    return endpoints;
  }

  /** The live versions of a service at `now` with their paths. */
  live(service: string, now: Date, endpoints: readonly SoapEndpoint[]): Array<{ version: string; path: string }> {
    return liveVersionsAt(this.entries, service, now).map((v) => ({
      version: v.version,
      path: endpoints.find((e) => e.serviceName === service && e.version === v.version)?.path ?? '',
    }));
  }

  /** The endpoints, each told the live versions of its service (for fault 400). */
  decorate(endpoints: readonly SoapEndpoint[], clock: Clock): SoapEndpoint[] {
    return endpoints.map((e) => (this.listed(e.serviceName) ? { ...e, liveVersions: () => this.live(e.serviceName, clock.now(), endpoints) } : e));
  }

  /** Fault 400 when the endpoint's version is not live at `now` (retired or not yet in production). */
  assertLive(endpoint: SoapEndpoint, now: Date): void {
    const entry = this.entries.find((e) => e.service === endpoint.serviceName && e.version === endpoint.version);
    if (!entry || isLive(entry, now)) return;
    const live = endpoint.liveVersions?.() ?? [];
    const why =
      now.getTime() < entry.production.getTime()
        ? `pas encore en service (mise en production le ${formatParisDateTime(entry.production)})`
        : `retirée le ${formatParisDateTime(entry.fin!)}`;
    throw new EsavFault(400, `${endpoint.serviceName} v${endpoint.version} ${why} : ${describeLiveVersions(live)}`);
  }

  /** Every version of the registry and whether it is live at `now` (metrics, health). */
  snapshot(now: Date): Array<{ service: string; version: string; live: boolean }> {
    return this.entries.map((e) => ({ service: e.service, version: e.version, live: isLive(e, now) }));
  }
}

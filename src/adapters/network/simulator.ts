// The deterministic network simulator: the default NetworkAdapter. A line's behaviour depends only
// on the prestation: its profile (table simulated_lines, set by the demo data and the tests), an
// open incident impacting it (table travaux), and a hash of its identifier for the values measured.
// Every answer comes after a configurable latency (ESAV_SIMULATOR_LATENCY_MS).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../domain/clock.js';
import type { LineStateReading, OpticalReading, PortReading, PortResetReading, SessionReading } from '../../domain/line-tests.js';
import { NetworkElementUnavailable, type NetworkAdapter, type NetworkLine } from '../../application/network-port.js';

/**
 * How a simulated line behaves. SAIN: healthy. DEFAUT_CLIENT: down on the customer's side (modem or
 * ONT off, nothing connected). DEFAUT_RESEAU: down with an alarm on the provider's element.
 * DEGRADE: up but out of its margins. INJOIGNABLE: the network element never answers.
 */
export type SimulatedProfile = 'SAIN' | 'DEFAUT_CLIENT' | 'DEFAUT_RESEAU' | 'DEGRADE' | 'INJOIGNABLE';

export interface SimulatorState {
  /** The line's profile; undefined for a line without one (healthy unless an incident impacts it). */
  profile(prestationId: string): Promise<SimulatedProfile | undefined>;
  /** References of the open incidents impacting the line at `at`. */
  openIncidents(prestationId: string, at: Date): Promise<string[]>;
}

export interface SimulatorOptions {
  state: SimulatorState;
  clock: Clock;
  /** Delay before each answer, in milliseconds. */
  latencyMs: number;
}

/** FNV-1a 32-bit: the same identifier always gives the same measurements. */
export function lineHash(identifier: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < identifier.length; i++) {
    h ^= identifier.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

type Behaviour = { kind: 'SAIN' | 'DEFAUT_CLIENT' | 'DEGRADE' } | { kind: 'DEFAUT_RESEAU'; alarmes: string[] };

export class NetworkSimulator implements NetworkAdapter {
  constructor(private readonly options: SimulatorOptions) {}

  /** Waits the latency, then decides how the line behaves now. */
  private async behaviour(line: NetworkLine): Promise<Behaviour> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const { state, clock } = this.options;
    const profile = await state.profile(line.prestationId);
    if (profile === 'INJOIGNABLE') {
      throw new NetworkElementUnavailable(`Équipement réseau de la prestation ${line.prestationId} injoignable (pas de réponse)`);
    }
    const incidents = await state.openIncidents(line.prestationId, clock.now());
    if (incidents.length > 0) return { kind: 'DEFAUT_RESEAU', alarmes: incidents.map((r) => `INCIDENT ${r}`) };
    if (profile === 'DEFAUT_RESEAU') return { kind: 'DEFAUT_RESEAU', alarmes: [line.technologie === 'CUIVRE' ? 'PORT_DSLAM_EN_DEFAUT' : 'LOS_PORT_OLT'] };
    return { kind: profile ?? 'SAIN' };
  }

  async readLineState(line: NetworkLine): Promise<LineStateReading> {
    const b = await this.behaviour(line);
    const h = lineHash(line.prestationId);
    const alarmesReseau = b.kind === 'DEFAUT_RESEAU' ? b.alarmes : [];
    const up = b.kind === 'SAIN' || b.kind === 'DEGRADE';
    if (line.technologie !== 'CUIVRE') {
      // ONT state on a fibre line: synchronised or not, the rates of the offer.
      return up ? { synchronise: true, debitDescendantKbps: 1_000_000, debitMontantKbps: 500_000, alarmesReseau } : { synchronise: false, alarmesReseau };
    }
    const attenuationDb = 10 + (h % 300) / 10;
    if (!up) return { synchronise: false, attenuationDb, alarmesReseau };
    return {
      synchronise: true,
      attenuationDb,
      margeBruitDb: b.kind === 'DEGRADE' ? 3 : 9 + ((h >>> 8) % 30) / 10,
      debitDescendantKbps: Math.max(1024, Math.round(20_000 - attenuationDb * 300)),
      debitMontantKbps: 1024,
      alarmesReseau,
    };
  }

  async measureOptical(line: NetworkLine): Promise<OpticalReading> {
    const b = await this.behaviour(line);
    const h = lineHash(line.prestationId);
    switch (b.kind) {
      case 'SAIN':
        return { puissanceRecueOntDbm: -14 - (h % 100) / 10, puissanceRecueOltDbm: -16 - ((h >>> 8) % 80) / 10, alarmesReseau: [] };
      case 'DEGRADE':
        return { puissanceRecueOntDbm: -29.5, puissanceRecueOltDbm: -30.2, alarmesReseau: [] };
      case 'DEFAUT_CLIENT':
        return { puissanceRecueOntDbm: null, puissanceRecueOltDbm: null, alarmesReseau: [] };
      case 'DEFAUT_RESEAU':
        return { puissanceRecueOntDbm: null, puissanceRecueOltDbm: null, alarmesReseau: b.alarmes };
    }
  }

  async readPortState(line: NetworkLine): Promise<PortReading> {
    const b = await this.behaviour(line);
    const h = lineHash(line.prestationId);
    switch (b.kind) {
      case 'SAIN':
        return { etatAdministratif: 'UP', etatOperationnel: 'UP', erreursCrc: h % 50, alarmesReseau: [] };
      case 'DEGRADE':
        return { etatAdministratif: 'UP', etatOperationnel: 'UP', erreursCrc: 5000 + (h % 1000), alarmesReseau: [] };
      case 'DEFAUT_CLIENT':
        return { etatAdministratif: 'UP', etatOperationnel: 'DOWN', erreursCrc: 0, alarmesReseau: [] };
      case 'DEFAUT_RESEAU':
        return { etatAdministratif: 'UP', etatOperationnel: 'DOWN', erreursCrc: 0, alarmesReseau: b.alarmes };
    }
  }

  async readSessionState(line: NetworkLine): Promise<SessionReading> {
    const b = await this.behaviour(line);
    const h = lineHash(line.prestationId);
    if (b.kind === 'SAIN' || b.kind === 'DEGRADE') {
      return {
        sessionActive: true,
        dureeSecondes: 3600 + (h % 86_400),
        adresseIp: `100.64.${(h >>> 8) % 256}.${(h % 254) + 1}`,
        alarmesReseau: [],
      };
    }
    return { sessionActive: false, alarmesReseau: b.kind === 'DEFAUT_RESEAU' ? b.alarmes : [] };
  }

  async resetPort(line: NetworkLine): Promise<PortResetReading> {
    const b = await this.behaviour(line);
    if (b.kind === 'SAIN' || b.kind === 'DEGRADE') return { reinitialise: true, synchroniseApres: true, alarmesReseau: [] };
    return { reinitialise: true, synchroniseApres: false, alarmesReseau: b.kind === 'DEFAUT_RESEAU' ? b.alarmes : [] };
  }
}

// The network adapter: how the test workers reach the network elements. One interface per kind of
// network element action; a real adapter (OSS/EMS, TL1, NETCONF…) implements them, the
// deterministic simulator (./simulator.ts) is the default.
import type { LineStateReading, OpticalReading, PortReading, PortResetReading, SessionReading } from '../domain/line-tests.js';

/** The line a network action is about. */
export interface NetworkLine {
  prestationId: string;
  offerCode: string;
  /** The offer's technology (catalogue): FTTH, CUIVRE, FTTE… */
  technologie: string;
  extremites: ReadonlyArray<{ type: string; reference?: string }>;
  informations: ReadonlyArray<{ code: string; valeur: string }>;
}

/** ETAT_SYNCHRO: synchronisation of the modem (DSL) or the ONT (fibre). */
export interface LineStateProbe {
  readLineState(line: NetworkLine): Promise<LineStateReading>;
}

/** MESURE_OPTIQUE: optical powers received at both ends. */
export interface OpticalMeasureProbe {
  measureOptical(line: NetworkLine): Promise<OpticalReading>;
}

/** ETAT_PORT: administrative and operational state of the access port. */
export interface PortStateProbe {
  readPortState(line: NetworkLine): Promise<PortReading>;
}

/** ETAT_SESSION: the subscriber's session (PPP/DHCP). */
export interface SessionStateProbe {
  readSessionState(line: NetworkLine): Promise<SessionReading>;
}

/** REINITIALISATION_PORT: acts on the network element (resets the port), then reads the resynchronisation. */
export interface PortResetAction {
  resetPort(line: NetworkLine): Promise<PortResetReading>;
}

export interface NetworkAdapter extends LineStateProbe, OpticalMeasureProbe, PortStateProbe, SessionStateProbe, PortResetAction {}

/**
 * The network element could not be reached or did not answer in time: the execution fails and is
 * retried (bounded attempts), then the test ends in ECHEC with this message.
 */
export class NetworkElementUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkElementUnavailable';
  }
}

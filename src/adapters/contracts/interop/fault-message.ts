// The text of an Interop'Fibre fault: the published details carry only a code and a message, so
// the offending field and the retry delay of the e-SAV fault are written into the message.
import type { EsavFault } from '../../../domain/faults.js';

export function interopFaultMessage(fault: EsavFault): string {
  let message = fault.libelle;
  if (fault.champ) message += ` (champ : ${fault.champ})`;
  if (fault.reessayerApres !== undefined) message += ` — réessayer dans ${fault.reessayerApres} s`;
  return message;
}

// Xerces (the JDK's javax.xml.validation) as a strict second opinion on our XSDs, through the npm
// package xsd-schema-validator (CommonJS; spawns one JVM per call).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

type XsdSchemaValidator = typeof import('xsd-schema-validator');

const require = createRequire(import.meta.url);

export interface XercesVerdict {
  valid: boolean;
  messages: string[];
}

/** True when a `java` executable answers `java -version`. */
export function javaAvailable(): boolean {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 30_000 });
  return result.error === undefined && result.status === 0;
}

/**
 * Validates an XML file against an XSD file with Xerces. Resolves with the verdict when the
 * document is valid or invalid; rejects only when the validator itself could not run.
 */
export async function xercesValidate(xmlFile: string, xsdFile: string): Promise<XercesVerdict> {
  const validator = require('xsd-schema-validator') as XsdSchemaValidator;
  try {
    const result = await validator.validateXML({ file: xmlFile }, xsdFile);
    return { valid: result.valid, messages: result.messages };
  } catch (error) {
    const e = error as Error & { valid?: boolean; messages?: string[] };
    const messages = e.messages ?? [];
    // An invalid document rejects with {valid: false, messages: ['[error] cvc-…']}. A broken schema,
    // an unreadable file or a missing JVM ('[fatal] …', or no message at all) is no verdict.
    if (e.valid === false && messages.length > 0 && messages.every((m) => !m.startsWith('[fatal]'))) {
      return { valid: false, messages };
    }
    throw error;
  }
}

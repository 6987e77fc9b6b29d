// The CA certificate a user chooses for a self-signed team server: read and checked here, so a wrong file is named
// at once ("not a PEM certificate") instead of surfacing later as an untrusted-server error.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ContractError } from '../../core/contract/errors.js';

// A CA bundle of a few hundred certificates is well under this.
const MAX_CA_BYTES = 1024 * 1024;

/** The file's PEM text; throws ContractError('invalid') naming the file and what is wrong with it. */
export function readCaFile(path: string): string {
  let text: string;
  try {
    if (statSync(path).size > MAX_CA_BYTES) throw new Error(`larger than ${MAX_CA_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ContractError('invalid', `cannot read the CA certificate ${path}: ${(error as Error).message}`, 'caFile');
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks)
    throw new ContractError('invalid', `${path} is not a PEM certificate (no BEGIN CERTIFICATE block)`, 'caFile');
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new ContractError(
        'invalid',
        `${path}: certificate ${index + 1} cannot be read: ${(error as Error).message}`,
        'caFile',
      );
    }
  });
  return blocks.join('\n');
}
